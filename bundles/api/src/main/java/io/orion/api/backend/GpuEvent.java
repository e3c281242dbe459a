package io.orion.api.backend;

import org.osgi.annotation.versioning.ConsumerType;

/** An event in one context. Opaque; made by the backend. */
@ConsumerType
public interface GpuEvent {}
