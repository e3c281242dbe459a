/**
 * The address a node's Orion server binds to on Kubernetes: the address of the interface named
 * by {@code ORION_BIND_NET} (Orion's name), once that interface is up.
 *
 * <p>Bundle {@code io.orion.k8s.netwait} waits for the interface (in a role that sets
 * {@code orion.bind.wait=true}), then registers a {@link io.orion.k8s.netwait.BindAddress}
 * service that is also the node's {@code io.orion.api.platform.BindReady} condition: the TCP and
 * rdma transports and the node agent require that condition and take its address, so the server
 * needs no Kubernetes knowledge of its own. Anyone else who must bind to that address waits for
 * the service.
 */
@Export
@Version("1.0.0")
package io.orion.k8s.netwait;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
