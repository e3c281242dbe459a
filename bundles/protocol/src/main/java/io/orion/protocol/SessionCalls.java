package io.orion.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Opening, keeping and closing a session (docs/protocol.md §4.1). */
public final class SessionCalls {
    private SessionCalls() {}

    /** HELLO flag: resume the session {@link Hello#resumeSession}. */
    public static final int HELLO_RESUME = 0x01;
    /** HELLO_OK flag: the session was resumed, not opened. */
    public static final int HELLO_OK_RESUMED = 0x01;

    /**
     * Opens a session, or resumes one after a reconnect.
     *
     * @param minVersion      lowest protocol version the client speaks
     * @param maxVersion      highest protocol version the client speaks
     * @param resume          resume {@code resumeSession} instead of opening a new session
     * @param resumeSession   the session to resume; 0 when opening
     * @param lastReplySeq    on resume, the sequence number of the last reply the client received
     * @param pid             the client's process id
     * @param host            the client's host name
     * @param client          the program, for operators
     * @param groupId         {@code ORION_GROUP_ID}; empty for none
     * @param vgpuIds         the granted vGPUs to open, in device order
     * @param autoCount       without vGPU ids: how many vGPUs the server should grant itself (where allowed)
     * @param autoMemoryMiB   memory of each of those, MiB
     * @param autoRatio       compute share of each, percent
     */
    public record Hello(int minVersion, int maxVersion, boolean resume, long resumeSession, long lastReplySeq,
                        long pid, String host, String client, String groupId, List<String> vgpuIds,
                        int autoCount, long autoMemoryMiB, int autoRatio) implements Request {
        public Hello {
            vgpuIds = List.copyOf(vgpuIds);
            Objects.requireNonNull(host);
            Objects.requireNonNull(client);
            Objects.requireNonNull(groupId);
        }

        @Override public MessageType type() { return MessageType.HELLO; }

        public static Hello read(PayloadReader r) {
            int min = r.u8("minVersion"), max = r.u8("maxVersion");
            if (min < 1 || min > max) throw r.bad("minVersion", "version range " + min + ".." + max + " is empty");
            boolean resume = (r.flags("flags", HELLO_RESUME) & HELLO_RESUME) != 0;
            long resumeSession = r.u64("resumeSession");
            if (resume && resumeSession == 0) throw r.bad("resumeSession", "resume needs a session id");
            if (!resume && resumeSession != 0) throw r.bad("resumeSession", "must be 0 when not resuming");
            long lastReply = r.u32("lastReplySeq");
            long pid = r.u32("pid");
            String host = r.str("host"), client = r.str("client"), group = r.str("groupId");
            int n = r.u16("vgpuCount");
            if (n > Wire.MAX_DEVICES) throw r.bad("vgpuCount", n + " exceeds " + Wire.MAX_DEVICES);
            List<String> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String id = r.str("vgpuIds[" + i + "]");
                if (id.isEmpty()) throw r.bad("vgpuIds[" + i + "]", "empty vGPU id");
                ids.add(id);
            }
            int autoCount = r.u16("autoCount");
            if (autoCount > Wire.MAX_DEVICES) throw r.bad("autoCount", autoCount + " exceeds " + Wire.MAX_DEVICES);
            long autoMem = r.u32("autoMemoryMiB");
            int autoRatio = r.u8("autoRatio");
            if (autoRatio > 100) throw r.bad("autoRatio", autoRatio + " exceeds 100");
            r.end();
            return new Hello(min, max, resume, resumeSession, lastReply, pid, host, client, group, ids, autoCount, autoMem, autoRatio);
        }

        @Override public void write(PayloadWriter w) {
            w.u8(minVersion).u8(maxVersion).u8(resume ? HELLO_RESUME : 0).u64(resumeSession).u32(lastReplySeq).u32(pid)
                    .str(host).str(client).str(groupId).u16(vgpuIds.size());
            for (String id : vgpuIds) w.str(id);
            w.u16(autoCount).u32(autoMemoryMiB).u8(autoRatio);
        }
    }

    /**
     * The session is open.
     *
     * @param version         the protocol version both sides now speak
     * @param resumed         an existing session was resumed
     * @param session         the session id; every later frame carries it
     * @param lastHandledSeq  on resume, the last request the server handled: the client sends again
     *                        what it sent after it; 0 for a new session
     * @param maxPayload      the largest frame payload the server accepts
     * @param deviceCount     the session's vGPUs
     * @param server          the server's name and version, for logs
     */
    public record HelloOk(int version, boolean resumed, long session, long lastHandledSeq, int maxPayload,
                          int deviceCount, String server) implements Result {
        public static HelloOk read(PayloadReader r) {
            int version = r.u8("version");
            boolean resumed = (r.flags("flags", HELLO_OK_RESUMED) & HELLO_OK_RESUMED) != 0;
            long session = r.u64("session");
            if (session == 0) throw r.bad("session", "0 is not a session id");
            long last = r.u32("lastHandledSeq");
            int max = r.u32("maxPayload", Wire.ABSOLUTE_MAX_PAYLOAD);
            if (max < Wire.HELLO_MAX_PAYLOAD) throw r.bad("maxPayload", max + " is below " + Wire.HELLO_MAX_PAYLOAD);
            int devices = r.u16("deviceCount");
            if (devices > Wire.MAX_DEVICES) throw r.bad("deviceCount", devices + " exceeds " + Wire.MAX_DEVICES);
            String server = r.str("server");
            r.end();
            return new HelloOk(version, resumed, session, last, max, devices, server);
        }

        @Override public void write(PayloadWriter w) {
            w.u8(version).u8(resumed ? HELLO_OK_RESUMED : 0).u64(session).u32(lastHandledSeq).u32(maxPayload)
                    .u16(deviceCount).str(server);
        }
    }

    /** Ends the session: the server frees everything at once. */
    public record Goodbye() implements Request {
        @Override public MessageType type() { return MessageType.GOODBYE; }

        public static Goodbye read(PayloadReader r) { r.end(); return new Goodbye(); }

        @Override public void write(PayloadWriter w) {}
    }

    /** Echo: measures round trips and flushes the pipeline (every earlier request is handled when it returns). */
    public record Ping(ByteBuffer data) implements Request {
        @Override public MessageType type() { return MessageType.PING; }

        public static Ping read(PayloadReader r) { return new Ping(r.rest("data")); }

        @Override public void write(PayloadWriter w) {}

        @Override public ByteBuffer tail() { return data; }
    }

    /** The data of the PING, unchanged. */
    public record Pong(ByteBuffer data) implements Result {
        public static Pong read(PayloadReader r) { return new Pong(r.rest("data")); }

        @Override public void write(PayloadWriter w) {}

        @Override public ByteBuffer tail() { return data; }
    }
}
