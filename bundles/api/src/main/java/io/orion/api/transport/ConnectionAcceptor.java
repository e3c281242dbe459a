package io.orion.api.transport;

import org.osgi.annotation.versioning.ProviderType;

/** The server side of a transport: takes new connections. */
@ProviderType
public interface ConnectionAcceptor {

    /** A client connected; the answer receives its frames. */
    FrameHandler accept(Connection connection);
}
