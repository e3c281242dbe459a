package io.orion.protocol;

import java.nio.ByteBuffer;

/**
 * Device memory: allocation, memset and copies (docs/protocol.md §4.3). Stream fields are stream
 * handles; 0 is the vGPU's default stream. Sizes are u64 and must fit a signed 64-bit integer.
 */
public final class MemoryCalls {
    private MemoryCalls() {}

    public record MemAlloc(int device, long bytes) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.MEM_ALLOC; }

        public static MemAlloc read(PayloadReader r) {
            MemAlloc m = new MemAlloc(DeviceRequest.readDevice(r), r.size("bytes"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(bytes); }
    }

    public record MemFree(int device, long address) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.MEM_FREE; }

        public static MemFree read(PayloadReader r) {
            MemFree m = new MemFree(DeviceRequest.readDevice(r), r.u64("address"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(address); }
    }

    /** Sets {@code bytes} bytes at {@code address} to {@code value}. */
    public record Memset(int device, long address, int value, long bytes, long stream) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.MEMSET; }

        public static Memset read(PayloadReader r) {
            Memset m = new Memset(DeviceRequest.readDevice(r), r.u64("address"), r.u8("value"), r.size("bytes"), r.u64("stream"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(address).u8(value).u64(bytes).u64(stream); }
    }

    /** Host to device with the data in the frame; large copies are several of these, one per chunk. */
    public record CopyHtoD(int device, long dst, long stream, ByteBuffer data) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.COPY_HTOD; }

        public static CopyHtoD read(PayloadReader r) {
            return new CopyHtoD(DeviceRequest.readDevice(r), r.u64("dst"), r.u64("stream"), r.rest("data"));
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(dst).u64(stream); }

        @Override public ByteBuffer tail() { return data; }
    }

    /** Device to host: the data comes back in one or more {@link DataChunk} reply frames. */
    public record CopyDtoH(int device, long src, long bytes, long stream) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.COPY_DTOH; }

        public static CopyDtoH read(PayloadReader r) {
            CopyDtoH m = new CopyDtoH(DeviceRequest.readDevice(r), r.u64("src"), r.size("bytes"), r.u64("stream"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(src).u64(bytes).u64(stream); }
    }

    /** One piece of a device-to-host copy: the bytes at {@code offset} from the copy's start. */
    public record DataChunk(long offset, ByteBuffer data) implements Result {
        public static DataChunk read(PayloadReader r) { return new DataChunk(r.size("offset"), r.rest("data")); }

        @Override public void write(PayloadWriter w) { w.u64(offset); }

        @Override public ByteBuffer tail() { return data; }
    }

    public record CopyDtoD(int device, long dst, long src, long bytes, long stream) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.COPY_DTOD; }

        public static CopyDtoD read(PayloadReader r) {
            CopyDtoD m = new CopyDtoD(DeviceRequest.readDevice(r), r.u64("dst"), r.u64("src"), r.size("bytes"), r.u64("stream"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(dst).u64(src).u64(bytes).u64(stream); }
    }

    /** Host to device from the connection's shared region: the data never travels in a frame. */
    public record CopyHtoDRegion(int device, long dst, long regionOffset, long bytes, long stream) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.COPY_HTOD_REGION; }

        public static CopyHtoDRegion read(PayloadReader r) {
            CopyHtoDRegion m = new CopyHtoDRegion(DeviceRequest.readDevice(r), r.u64("dst"), r.size("regionOffset"),
                    r.size("bytes"), r.u64("stream"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(dst).u64(regionOffset).u64(bytes).u64(stream); }
    }

    /** Device to host into the connection's shared region. */
    public record CopyDtoHRegion(int device, long src, long regionOffset, long bytes, long stream) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.COPY_DTOH_REGION; }

        public static CopyDtoHRegion read(PayloadReader r) {
            CopyDtoHRegion m = new CopyDtoHRegion(DeviceRequest.readDevice(r), r.u64("src"), r.size("regionOffset"),
                    r.size("bytes"), r.u64("stream"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(src).u64(regionOffset).u64(bytes).u64(stream); }
    }
}
