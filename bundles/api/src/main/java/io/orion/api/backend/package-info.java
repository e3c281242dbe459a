/**
 * The GPU-backend SPI: physical GPUs and isolated device contexts on them.
 *
 * <p>A backend is a service of type {@link io.orion.api.backend.GpuBackend} with the service
 * property {@value io.orion.api.backend.GpuBackend#NAME_PROPERTY}. Built in: {@code cuda} (the CUDA
 * driver through FFM) and {@code host} (a CPU device that interprets PTX). The server opens one
 * {@link io.orion.api.backend.GpuContext} per vGPU session; every operation the remoting protocol
 * offers maps to one method here.
 */
@Export
@Version("1.0.0")
package io.orion.api.backend;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
