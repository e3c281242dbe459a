package io.orion.api.store;

import java.time.Instant;

import io.orion.api.pool.Allocation;

/**
 * An allocation as stored, with the time its lease runs out unless renewed.
 *
 * @param allocation  the allocation, with its vGPUs at their current size
 * @param leaseUntil  when it is released unless its server renews it
 */
public record AllocationRecord(Allocation allocation, Instant leaseUntil) {}
