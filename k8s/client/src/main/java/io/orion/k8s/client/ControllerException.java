package io.orion.k8s.client;

import java.io.Serial;

/**
 * A call to the controller failed. {@link #unreachable()} tells "no answer at all" (connection
 * refused, timeout, name not resolved) from an answer with an error status.
 */
public class ControllerException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    private final int status;

    public ControllerException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status of the controller's answer; 0 when it could not be reached. */
    public int status() { return status; }

    public boolean unreachable() { return status == 0; }
}
