/**
 * The state-store SPI: where the controller keeps the pool and every allocation, so that a
 * restart (or, with several replicas, a new leader) loses nothing.
 *
 * <p>A store is a service of type {@link io.orion.api.store.StateStore} with the service property
 * {@value io.orion.api.store.StateStore#NAME_PROPERTY}; the controller uses the one named in its
 * configuration. A store that may not write (a follower replica) does not register its service:
 * the controller is active exactly where a writable store is.
 */
@Export
@Version("1.0.0")
package io.orion.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
