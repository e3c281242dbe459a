package io.orion.store.journal.internal;

import java.io.Serial;
import java.nio.file.Path;

import io.orion.api.store.StoreException;

/** A stored file is damaged: the message names the file, the byte offset and what is wrong. */
final class CorruptStateException extends StoreException {
    @Serial private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    CorruptStateException(Path file, long offset, String why) {
        super(file + " is corrupt at byte offset " + offset + ": " + why);
        this.file = file;
        this.offset = offset;
    }

    Path file() { return file; }

    long offset() { return offset; }
}
