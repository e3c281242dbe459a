package io.orion.protocol;

import java.nio.ByteBuffer;

/**
 * A request, client to server. {@link #write} writes the fixed fields; {@link #tail} is the bulk
 * data that ends the payload (copy data, a module image, kernel arguments), sent without a copy.
 */
public sealed interface Request permits DeviceRequest, SessionCalls.Hello, SessionCalls.Goodbye, SessionCalls.Ping {

    MessageType type();

    /** Writes every field but the tail. */
    void write(PayloadWriter w);

    /** The bulk bytes that end the payload; null when the message has none. */
    default ByteBuffer tail() { return null; }
}
