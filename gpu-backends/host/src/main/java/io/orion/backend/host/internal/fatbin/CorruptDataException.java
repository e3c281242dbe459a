package io.orion.backend.host.internal.fatbin;

import java.io.Serial;

/** Compressed data or a container that does not follow its format; the message says where. */
public final class CorruptDataException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    public CorruptDataException(String message) {
        super(message);
    }
}
