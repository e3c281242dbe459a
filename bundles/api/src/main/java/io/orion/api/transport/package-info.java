/**
 * The transport SPI: how protocol frames move between the native client and the server.
 *
 * <p>A transport is a service of type {@link io.orion.api.transport.Transport} with the service
 * property {@value io.orion.api.transport.Transport#NAME_PROPERTY}. The server opens the ones named
 * in its configuration, handing each a {@link io.orion.api.transport.ConnectionAcceptor}; the
 * transport then listens and gives every client connection to it. Sessions belong to the server,
 * not to a connection: closing a transport loses no session. A transport that closes its connections
 * because it is itself closing says so with {@link io.orion.api.transport.TransportClosedException}.
 */
@Export
@Version("1.1.0")
package io.orion.api.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
