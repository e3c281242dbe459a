package io.orion.api.backend;

import org.osgi.annotation.versioning.ConsumerType;

/** A stream in one context. Opaque; made by the backend. {@code null} means the default stream. */
@ConsumerType
public interface GpuStream {}
