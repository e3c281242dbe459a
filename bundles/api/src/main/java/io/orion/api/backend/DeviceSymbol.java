package io.orion.api.backend;

/** A module-scope {@code __device__} variable: its device address and size in bytes. */
public record DeviceSymbol(long address, long size) {}
