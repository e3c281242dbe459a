package io.orion.api.backend;

/** Device memory free and total, in bytes. */
public record MemoryInfo(long freeBytes, long totalBytes) {}
