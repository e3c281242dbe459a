package io.orion.api.transport;

import java.io.IOException;

import org.osgi.annotation.versioning.ConsumerType;

/** A listener on the server for one kind of client connection (tcp, shm, rdma). */
@ConsumerType
public interface Transport {

    /** Service property naming the transport, e.g. {@code tcp}. */
    String NAME_PROPERTY = "orion.transport";

    /** The transport's name; equals its {@value #NAME_PROPERTY} service property. */
    String name();

    /**
     * Starts listening; every connection is handed to {@code acceptor}. Returns the endpoint
     * clients use, e.g. {@code tcp://10.0.0.5:9960} or {@code shm:///dev/shm/orion}.
     *
     * @throws IOException when it cannot listen (port taken, directory missing…), with the reason
     */
    String open(ConnectionAcceptor acceptor) throws IOException;

    /** Stops listening and closes every connection it accepted. Idempotent. */
    void close();

    /** The endpoint while open, else empty. */
    String endpoint();
}
