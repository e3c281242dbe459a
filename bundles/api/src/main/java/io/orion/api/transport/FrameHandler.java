package io.orion.api.transport;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/** Receives the frames of one connection, in order, from one thread at a time. */
@ProviderType
public interface FrameHandler {

    /** One complete frame. The buffer is only valid during the call. */
    void onFrame(ByteBuffer frame);

    /**
     * The connection ended; {@code cause} is null for an orderly close by the client, a
     * {@link TransportClosedException} when the transport closed it because it is closing itself.
     */
    void onClosed(Throwable cause);
}
