/**
 * The pool's domain model: nodes, the physical GPUs they offer, vGPU requests, the vGPUs
 * placed on them, and a read-only snapshot of the whole pool that scheduling policies read.
 *
 * <p>All types are immutable values. Capacities are in MiB (memory) and percent of one GPU
 * (compute), as in Orion's {@code ORION_GMEM} and {@code ORION_RATIO}.
 */
@Export
@Version("1.1.0") // 1.1: PoolEvent.Kind.GROUP_FALLBACK
package io.orion.api.pool;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
