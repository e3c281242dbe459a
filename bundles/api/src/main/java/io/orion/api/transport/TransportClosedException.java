package io.orion.api.transport;

import java.io.IOException;
import java.io.Serial;

/**
 * The cause a transport passes to {@link FrameHandler#onClosed} when it closes a connection
 * because the transport itself is closing (its bundle stopped, its configuration changed), not
 * because the client went away. The server then keeps the connection's session for its client
 * to resume, on this transport when it comes back or on another one.
 */
public class TransportClosedException extends IOException {
    @Serial private static final long serialVersionUID = 1L;

    public TransportClosedException(String transport) {
        super("transport " + transport + " closed");
    }
}
