package io.orion.api.store;

import java.io.Serial;

/** The store could not read or durably write; the message says what and where. */
public class StoreException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
