package io.orion.api.backend;

import org.osgi.annotation.versioning.ConsumerType;

/** A loaded module (PTX, cubin or fat binary) in one context. Opaque; made by the backend. */
@ConsumerType
public interface GpuModule {}
