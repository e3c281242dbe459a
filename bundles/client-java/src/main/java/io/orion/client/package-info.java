/**
 * A Java client for Orion vGPUs: open a session on a server over TCP or shared memory, then
 * allocate, copy, load modules, launch kernels and synchronize, as a CUDA program does through the
 * driver API. Calls that CUDA makes asynchronous are sent without waiting; their errors surface at
 * the next synchronizing call. Errors are {@link io.orion.api.backend.GpuException}s with CUDA's
 * codes. A session survives a broken connection: the client reconnects and resumes it.
 */
@Export
@Version("1.0.0")
package io.orion.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
