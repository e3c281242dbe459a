package io.orion.protocol;

/**
 * A reply (docs/protocol.md §3): the call's status, the session's latched asynchronous error if
 * there is one, and on success the call's result.
 *
 * @param status           CUDA status of this call (0 = success)
 * @param deferredStatus   an error of an earlier asynchronous call, reported once; 0 for none
 * @param deferredSeq      the sequence number of that call; 0 for none
 * @param deferredMessage  what went wrong there; empty for none
 * @param message          what went wrong in this call; empty on success
 * @param result           the result on success; null on error
 */
public record Reply(int status, int deferredStatus, long deferredSeq, String deferredMessage, String message,
                    Result result) {

    public Reply {
        if (status == 0 && result == null) throw new IllegalArgumentException("a successful reply needs a result");
        if (status != 0 && result != null) throw new IllegalArgumentException("an error reply has no result");
        if (deferredStatus == 0 && (deferredSeq != 0 || !deferredMessage.isEmpty()))
            throw new IllegalArgumentException("no deferred error, but a deferred seq or message");
        if (message == null || deferredMessage == null) throw new IllegalArgumentException("messages must not be null");
    }

    public static Reply ok(Result result) { return new Reply(0, 0, 0, "", "", result); }

    public static Reply error(int status, String message) { return new Reply(status, 0, 0, "", message, null); }

    public boolean isOk() { return status == 0; }

    /** The same reply carrying a latched asynchronous error. */
    public Reply withDeferred(int dStatus, long dSeq, String dMessage) {
        return new Reply(status, dStatus, dSeq, dMessage, message, result);
    }

    static Reply read(MessageType type, PayloadReader r) {
        int status = r.i32("status");
        int dStatus = r.i32("deferredStatus");
        long dSeq = r.u32("deferredSeq");
        String dMessage = "";
        if (dStatus != 0) dMessage = r.str("deferredMessage");
        else if (dSeq != 0) throw r.bad("deferredSeq", "set without a deferred status");
        if (status != 0) {
            String message = r.str("message");
            r.end();
            return new Reply(status, dStatus, dSeq, dMessage, message, null);
        }
        return new Reply(0, dStatus, dSeq, dMessage, "", type.readResult(r));
    }

    void write(PayloadWriter w) {
        w.i32(status).i32(deferredStatus).u32(deferredSeq);
        if (deferredStatus != 0) w.str(deferredMessage);
        if (status != 0) w.str(message);
        else result.write(w);
    }
}
