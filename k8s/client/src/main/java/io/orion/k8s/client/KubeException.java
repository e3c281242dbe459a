package io.orion.k8s.client;

import java.io.Serial;

/** A Kubernetes API call failed; {@link #status()} is the HTTP status, or 0 when none came back. */
public class KubeException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    private final int status;

    public KubeException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public KubeException(int status, String message) {
        this(status, message, null);
    }

    public int status() { return status; }

    /** 409: the object changed since it was read (stale resource version), or it already exists. */
    public boolean isConflict() { return status == 409; }

    public boolean isNotFound() { return status == 404; }
}
