package io.orion.backend.host.internal.ptx;

import java.io.Serial;

/** PTX text the parser cannot read; the message names the line. */
public final class PtxSyntaxException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    private final int line;

    public PtxSyntaxException(int line, String message) {
        super("PTX line " + line + ": " + message);
        this.line = line;
    }

    public int line() { return line; }
}
