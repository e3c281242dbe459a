package io.orion.protocol;

/** Events (docs/protocol.md §4.7). */
public final class EventCalls {
    private EventCalls() {}

    /** EVENT_CREATE flag: {@code CU_EVENT_DISABLE_TIMING}. */
    public static final int DISABLE_TIMING = 0x01;
    /** EVENT_CREATE flag: {@code CU_EVENT_BLOCKING_SYNC}. */
    public static final int BLOCKING_SYNC = 0x02;

    public record EventCreate(int device, boolean disableTiming, boolean blockingSync) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.EVENT_CREATE; }

        public static EventCreate read(PayloadReader r) {
            int d = DeviceRequest.readDevice(r);
            int f = r.flags("flags", DISABLE_TIMING | BLOCKING_SYNC);
            r.end();
            return new EventCreate(d, (f & DISABLE_TIMING) != 0, (f & BLOCKING_SYNC) != 0);
        }

        @Override public void write(PayloadWriter w) {
            w.u16(device).u8((disableTiming ? DISABLE_TIMING : 0) | (blockingSync ? BLOCKING_SYNC : 0));
        }
    }

    public record EventDestroy(int device, long event) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.EVENT_DESTROY; }

        public static EventDestroy read(PayloadReader r) {
            EventDestroy m = new EventDestroy(DeviceRequest.readDevice(r), r.u64("event"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(event); }
    }

    public record EventRecord(int device, long event, long stream) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.EVENT_RECORD; }

        public static EventRecord read(PayloadReader r) {
            EventRecord m = new EventRecord(DeviceRequest.readDevice(r), r.u64("event"), r.u64("stream"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(event).u64(stream); }
    }

    /** Status 0 when the event's work is done, 600 ({@code CUDA_ERROR_NOT_READY}) otherwise. */
    public record EventQuery(int device, long event) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.EVENT_QUERY; }

        public static EventQuery read(PayloadReader r) {
            EventQuery m = new EventQuery(DeviceRequest.readDevice(r), r.u64("event"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(event); }
    }

    public record EventSync(int device, long event) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.EVENT_SYNC; }

        public static EventSync read(PayloadReader r) {
            EventSync m = new EventSync(DeviceRequest.readDevice(r), r.u64("event"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(event); }
    }

    /** Milliseconds between two recorded events. Result: {@link Elapsed}. */
    public record EventElapsed(int device, long start, long end) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.EVENT_ELAPSED; }

        public static EventElapsed read(PayloadReader r) {
            EventElapsed m = new EventElapsed(DeviceRequest.readDevice(r), r.u64("start"), r.u64("end"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(start).u64(end); }
    }

    public record Elapsed(float millis) implements Result {
        public static Elapsed read(PayloadReader r) {
            Elapsed e = new Elapsed(r.f32("millis"));
            r.end();
            return e;
        }

        @Override public void write(PayloadWriter w) { w.f32(millis); }
    }
}
