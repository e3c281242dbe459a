package io.orion.protocol;

import java.io.Serial;

/**
 * A frame that breaks the specification. {@link #fatal()} means the byte stream can no longer be
 * trusted (bad magic, version or length): the connection must be closed. Otherwise the frame was
 * delimited correctly and only its content is wrong: the peer gets an error reply.
 */
public class ProtocolException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    /** CUDA_ERROR_INVALID_VALUE: what a malformed frame is answered with. */
    public static final int INVALID_VALUE = 1;
    /** CUDA_ERROR_NOT_SUPPORTED: what a message type this version does not define is answered with. */
    public static final int NOT_SUPPORTED = 801;

    private final boolean fatal;
    private final int status;

    public ProtocolException(String message, boolean fatal, int status) {
        super(message);
        this.fatal = fatal;
        this.status = status;
    }

    public ProtocolException(String message, boolean fatal) {
        this(message, fatal, INVALID_VALUE);
    }

    /** A content error: the frame is answered with an error, the connection stays. */
    public static ProtocolException content(String message) {
        return new ProtocolException(message, false);
    }

    /** A framing error: the connection is closed. */
    public static ProtocolException framing(String message) {
        return new ProtocolException(message, true);
    }

    /** An unknown message type: answered with CUDA_ERROR_NOT_SUPPORTED. */
    public static ProtocolException unsupported(String message) {
        return new ProtocolException(message, false, NOT_SUPPORTED);
    }

    public boolean fatal() { return fatal; }

    /** The CUDA status the error reply carries. */
    public int status() { return status; }
}
