package io.orion.protocol;

/** Streams (docs/protocol.md §4.6). Stream 0 is the vGPU's default stream and cannot be destroyed. */
public final class StreamCalls {
    private StreamCalls() {}

    /** STREAM_CREATE flag: {@code CU_STREAM_NON_BLOCKING}. */
    public static final int NON_BLOCKING = 0x01;

    public record StreamCreate(int device, boolean nonBlocking, int priority) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.STREAM_CREATE; }

        public static StreamCreate read(PayloadReader r) {
            int d = DeviceRequest.readDevice(r);
            boolean nb = (r.flags("flags", NON_BLOCKING) & NON_BLOCKING) != 0;
            StreamCreate m = new StreamCreate(d, nb, r.i32("priority"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u8(nonBlocking ? NON_BLOCKING : 0).i32(priority); }
    }

    public record StreamDestroy(int device, long stream) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.STREAM_DESTROY; }

        public static StreamDestroy read(PayloadReader r) {
            StreamDestroy m = new StreamDestroy(DeviceRequest.readDevice(r), r.u64("stream"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(stream); }
    }

    public record StreamSync(int device, long stream) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.STREAM_SYNC; }

        public static StreamSync read(PayloadReader r) {
            StreamSync m = new StreamSync(DeviceRequest.readDevice(r), r.u64("stream"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(stream); }
    }

    /** Status 0 when the stream is idle, 600 ({@code CUDA_ERROR_NOT_READY}) while work is pending. */
    public record StreamQuery(int device, long stream) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.STREAM_QUERY; }

        public static StreamQuery read(PayloadReader r) {
            StreamQuery m = new StreamQuery(DeviceRequest.readDevice(r), r.u64("stream"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(stream); }
    }

    /** Later work on {@code stream} waits for {@code event}. */
    public record StreamWaitEvent(int device, long stream, long event) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.STREAM_WAIT_EVENT; }

        public static StreamWaitEvent read(PayloadReader r) {
            StreamWaitEvent m = new StreamWaitEvent(DeviceRequest.readDevice(r), r.u64("stream"), r.u64("event"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(stream).u64(event); }
    }
}
