package io.orion.api.backend;

/** What {@code cuFuncGetAttribute} reports for a kernel. */
public record FunctionAttributes(int maxThreadsPerBlock, int sharedSizeBytes, int constSizeBytes,
                                 int localSizeBytes, int numRegs, int ptxVersion, int binaryVersion,
                                 int maxDynamicSharedSizeBytes) {}
