package io.orion.api.transport;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/** One client connection of a transport. */
@ConsumerType
public interface Connection {

    /** Name of the transport it came through. */
    String transport();

    /** Who is on the other side, for logs: an address, or a process id. */
    String peer();

    /**
     * Sends one frame made of {@code parts}, in order, as one unit. Thread-safe; frames from one
     * thread arrive in the order sent.
     */
    void send(ByteBuffer... parts) throws IOException;

    /**
     * Memory shared with the client, where this connection's bulk payloads live instead of
     * travelling in frames (the shm transport); empty for transports that copy. It stays mapped
     * until the handler's {@code onClosed} has returned, so that the handler can first wait for
     * device copies that still read or write it.
     */
    default Optional<MemorySegment> sharedRegion() { return Optional.empty(); }

    /** The largest frame (header included) this connection carries, either way. */
    default int maxFrameSize() { return Integer.MAX_VALUE; }

    /** Closes the connection; the handler's {@code onClosed} follows. Idempotent. */
    void close();

    boolean isOpen();
}
