package io.orion.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.orion.protocol.ExecCalls.Dim;
import io.orion.protocol.ModuleCalls.Param;

/**
 * The messages the golden vectors are made from: every request and every result at least once,
 * error replies, a latched asynchronous error, a multi-frame reply, an INDIRECT frame, and frames
 * a decoder must refuse. {@link VectorGenerator} writes them to {@code bundles/protocol/vectors};
 * {@link GoldenVectorTest} checks the codec against the files.
 */
final class GoldenSamples {
    private GoldenSamples() {}

    static final long SESSION = 0x5a17c0de0badf00dL;

    /** A valid frame. {@code message} is a Request, or a Reply for reply frames. */
    record Sample(String file, String name, int flags, long seq, long session, Object message, int typeCode) {}

    /** A frame a decoder must refuse: fatal (close the connection) or a content error with a status. */
    record Invalid(String name, byte[] frame, boolean fatal, int status, String why) {}

    static ByteBuffer bytes(int... b) {
        ByteBuffer buf = ByteBuffer.allocate(b.length);
        for (int x : b) buf.put((byte) x);
        return buf.flip();
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static Sample req(String file, String name, long seq, Request r) {
        return new Sample(file, name, 0, seq, SESSION, r, r.type().code());
    }

    private static Sample async(String file, String name, long seq, Request r) {
        return new Sample(file, name, Wire.FLAG_ASYNC, seq, SESSION, r, r.type().code());
    }

    private static Sample ok(String file, String name, MessageType t, long seq, Result res) {
        return new Sample(file, name, Wire.FLAG_REPLY, seq, SESSION, Reply.ok(res), t.code());
    }

    static List<Sample> valid() {
        List<Sample> s = new ArrayList<>();
        String f = "session";
        s.add(new Sample(f, "HELLO opening a session on two granted vGPUs", 0, 1, 0,
                new SessionCalls.Hello(1, 1, false, 0, 0, 4242, "node-7", "matmul", "pod-1234",
                        List.of("vgpu-a1", "vgpu-b2"), 0, 0, 0), MessageType.HELLO.code()));
        s.add(new Sample(f, "HELLO asking for one automatic vGPU of 1024 MiB at 50%", 0, 1, 0,
                new SessionCalls.Hello(1, 1, false, 0, 0, 77, "dev", "java-test", "", List.of(), 1, 1024, 50),
                MessageType.HELLO.code()));
        s.add(new Sample(f, "HELLO resuming a session after a reconnect", 0, 120, SESSION,
                new SessionCalls.Hello(1, 1, true, SESSION, 117, 4242, "node-7", "matmul", "pod-1234",
                        List.of("vgpu-a1"), 0, 0, 0), MessageType.HELLO.code()));
        s.add(new Sample(f, "HELLO_OK for a new session", Wire.FLAG_REPLY, 1, SESSION,
                Reply.ok(new SessionCalls.HelloOk(1, false, SESSION, 0, Wire.DEFAULT_MAX_PAYLOAD, 2, "orion-server 0.1.0")),
                MessageType.HELLO.code()));
        s.add(new Sample(f, "HELLO_OK resuming: the server handled up to seq 118", Wire.FLAG_REPLY, 120, SESSION,
                Reply.ok(new SessionCalls.HelloOk(1, true, SESSION, 118, 1 << 20, 1, "orion-server 0.1.0")),
                MessageType.HELLO.code()));
        s.add(new Sample(f, "HELLO refused: unknown vGPU", Wire.FLAG_REPLY, 1, 0,
                Reply.error(101, "vGPU vgpu-zz is not granted to this server"), MessageType.HELLO.code()));
        s.add(req(f, "PING with 8 bytes", 9, new SessionCalls.Ping(bytes(1, 2, 3, 4, 5, 6, 7, 8))));
        s.add(ok(f, "PONG echoing them", MessageType.PING, 9, new SessionCalls.Pong(bytes(1, 2, 3, 4, 5, 6, 7, 8))));
        s.add(req(f, "GOODBYE", 200, new SessionCalls.Goodbye()));
        s.add(ok(f, "GOODBYE acknowledged", MessageType.GOODBYE, 200, Results.Empty.INSTANCE));

        f = "device";
        s.add(req(f, "DEVICE_INFO of device 1", 2, new DeviceCalls.DeviceInfo(1)));
        s.add(ok(f, "DEVICE_INFO result: an H200 slice of 4 GiB", MessageType.DEVICE_INFO, 2,
                DeviceCalls.DeviceDescription.of("vgpu-a1", "GPU-8f2c1e4a-0b1d-4c57-9a3e-1f2d3c4b5a69", "NVIDIA H200",
                        4L << 30, 150_754_820_096L, 132, 9, 0, "0000:19:00.0", 25,
                        Map.of(1, 1024, 10, 32, 16, 132, 75, 9, 76, 0))));
        s.add(req(f, "MEM_INFO of device 0", 3, new DeviceCalls.MemInfo(0)));
        s.add(ok(f, "MEM_INFO result: the quota, 1 GiB, 256 MiB in use", MessageType.MEM_INFO, 3,
                new DeviceCalls.MemoryStatus(768L << 20, 1L << 30)));
        s.add(req(f, "DEVICE_SYNC of device 0", 40, new DeviceCalls.DeviceSync(0)));
        s.add(ok(f, "DEVICE_SYNC done", MessageType.DEVICE_SYNC, 40, Results.Empty.INSTANCE));

        f = "memory";
        s.add(req(f, "MEM_ALLOC 1 MiB", 4, new MemoryCalls.MemAlloc(0, 1 << 20)));
        s.add(ok(f, "MEM_ALLOC result", MessageType.MEM_ALLOC, 4, new Results.Pointer(0x7f3a_0000_0000L)));
        s.add(new Sample(f, "MEM_ALLOC beyond the quota: CUDA_ERROR_OUT_OF_MEMORY", Wire.FLAG_REPLY, 5, SESSION,
                Reply.error(2, "allocation of 2147483648 bytes exceeds the vGPU's quota (1073741824 bytes, 1048576 in use)"),
                MessageType.MEM_ALLOC.code()));
        s.add(req(f, "MEM_FREE", 6, new MemoryCalls.MemFree(0, 0x7f3a_0000_0000L)));
        s.add(async(f, "MEM_FREE sent asynchronously", 7, new MemoryCalls.MemFree(0, 0x7f3a_0010_0000L)));
        s.add(async(f, "MEMSET 4096 bytes to 0xAB on stream 3, async", 8,
                new MemoryCalls.Memset(0, 0x7f3a_0000_0000L, 0xab, 4096, 3)));
        s.add(async(f, "COPY_HTOD 16 bytes on the default stream, async", 10,
                new MemoryCalls.CopyHtoD(0, 0x7f3a_0000_0100L, 0, bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))));
        s.add(req(f, "COPY_HTOD last chunk of a synchronous copy", 11,
                new MemoryCalls.CopyHtoD(0, 0x7f3a_0000_0110L, 0, bytes(0xde, 0xad, 0xbe, 0xef))));
        s.add(req(f, "COPY_DTOH 8 bytes", 12, new MemoryCalls.CopyDtoH(0, 0x7f3a_0000_0100L, 8, 0)));
        s.add(new Sample(f, "COPY_DTOH first chunk (MORE)", Wire.FLAG_REPLY | Wire.FLAG_MORE, 12, SESSION,
                Reply.ok(new MemoryCalls.DataChunk(0, bytes(0, 1, 2, 3))), MessageType.COPY_DTOH.code()));
        s.add(ok(f, "COPY_DTOH last chunk", MessageType.COPY_DTOH, 12, new MemoryCalls.DataChunk(4, bytes(4, 5, 6, 7))));
        s.add(async(f, "COPY_DTOD 1 MiB, async", 13,
                new MemoryCalls.CopyDtoD(0, 0x7f3a_0010_0000L, 0x7f3a_0000_0000L, 1 << 20, 0)));
        s.add(async(f, "COPY_HTOD_REGION 64 MiB from region offset 0, async on stream 3", 14,
                new MemoryCalls.CopyHtoDRegion(0, 0x7f3a_0000_0000L, 0, 64L << 20, 3)));
        s.add(req(f, "COPY_DTOH_REGION 4 KiB to region offset 1 MiB", 15,
                new MemoryCalls.CopyDtoHRegion(0, 0x7f3a_0000_0000L, 1 << 20, 4096, 0)));
        s.add(ok(f, "COPY_DTOH_REGION done", MessageType.COPY_DTOH_REGION, 15, Results.Empty.INSTANCE));

        f = "module";
        s.add(req(f, "MODULE_LOAD of a PTX text", 20, new ModuleCalls.ModuleLoad(0,
                ascii(".version 8.0\n.target sm_90\n.address_size 64\n"))));
        s.add(ok(f, "MODULE_LOAD result: module handle 1", MessageType.MODULE_LOAD, 20, new Results.Handle(1)));
        s.add(new Sample(f, "MODULE_LOAD refused: CUDA_ERROR_INVALID_PTX", Wire.FLAG_REPLY, 21, SESSION,
                Reply.error(218, "line 3: unknown instruction 'mvo'"), MessageType.MODULE_LOAD.code()));
        s.add(req(f, "FUNCTION_GET vector_add", 22, new ModuleCalls.FunctionGet(0, 1, "_Z10vector_addPKfS0_Pfi")));
        s.add(ok(f, "FUNCTION_GET result: handle 2, four parameters", MessageType.FUNCTION_GET, 22,
                new ModuleCalls.FunctionInfo(2, List.of(new Param(0, 8), new Param(8, 8), new Param(16, 8), new Param(24, 4)))));
        s.add(req(f, "GLOBAL_GET counter", 23, new ModuleCalls.GlobalGet(0, 1, "counter")));
        s.add(ok(f, "GLOBAL_GET result", MessageType.GLOBAL_GET, 23, new ModuleCalls.SymbolInfo(0x7f3a_2000_0000L, 4)));
        s.add(req(f, "FUNCTION_ATTRIBUTES", 24, new ModuleCalls.FunctionAttrs(0, 2)));
        s.add(ok(f, "FUNCTION_ATTRIBUTES result", MessageType.FUNCTION_ATTRIBUTES, 24,
                new ModuleCalls.Attributes(1024, 0, 0, 0, 16, 80, 90, 49152)));
        s.add(req(f, "OCCUPANCY for blocks of 256 threads", 25, new ModuleCalls.Occupancy(0, 2, 256, 0)));
        s.add(ok(f, "OCCUPANCY result: 8 blocks per SM", MessageType.OCCUPANCY, 25, new Results.Count(8)));
        s.add(async(f, "MODULE_UNLOAD, async", 26, new ModuleCalls.ModuleUnload(0, 1)));

        f = "exec";
        ByteBuffer args = ByteBuffer.allocate(28).order(Wire.ORDER)
                .putLong(0x7f3a_0000_0000L).putLong(0x7f3a_0010_0000L).putLong(0x7f3a_0020_0000L).putInt(1 << 18).flip();
        s.add(async(f, "LAUNCH vector_add: grid 1024, block 256, async", 30,
                new ExecCalls.Launch(0, 2, new Dim(1024, 1, 1), new Dim(256, 1, 1), 0, 0, args)));
        s.add(async(f, "LAUNCH with a 2D grid, shared memory and a stream", 31,
                new ExecCalls.Launch(1, 5, new Dim(16, 16, 1), new Dim(32, 8, 1), 8192, 3, bytes(1, 0, 0, 0))));
        s.add(req(f, "STREAM_CREATE non-blocking, priority -1", 32, new StreamCalls.StreamCreate(0, true, -1)));
        s.add(ok(f, "STREAM_CREATE result: stream 3", MessageType.STREAM_CREATE, 32, new Results.Handle(3)));
        s.add(req(f, "STREAM_SYNC stream 3", 33, new StreamCalls.StreamSync(0, 3)));
        s.add(ok(f, "STREAM_SYNC done", MessageType.STREAM_SYNC, 33, Results.Empty.INSTANCE));
        s.add(req(f, "STREAM_QUERY stream 3", 34, new StreamCalls.StreamQuery(0, 3)));
        s.add(new Sample(f, "STREAM_QUERY: not ready (600)", Wire.FLAG_REPLY, 34, SESSION,
                Reply.error(600, "device not ready"), MessageType.STREAM_QUERY.code()));
        s.add(async(f, "STREAM_WAIT_EVENT, async", 35, new StreamCalls.StreamWaitEvent(0, 3, 4)));
        s.add(async(f, "STREAM_DESTROY, async", 36, new StreamCalls.StreamDestroy(0, 3)));
        s.add(req(f, "EVENT_CREATE with timing", 37, new EventCalls.EventCreate(0, false, false)));
        s.add(req(f, "EVENT_CREATE without timing, blocking sync", 38, new EventCalls.EventCreate(0, true, true)));
        s.add(ok(f, "EVENT_CREATE result: event 4", MessageType.EVENT_CREATE, 37, new Results.Handle(4)));
        s.add(async(f, "EVENT_RECORD on the default stream, async", 39, new EventCalls.EventRecord(0, 4, 0)));
        s.add(req(f, "EVENT_QUERY", 41, new EventCalls.EventQuery(0, 4)));
        s.add(req(f, "EVENT_SYNC", 42, new EventCalls.EventSync(0, 4)));
        s.add(req(f, "EVENT_ELAPSED", 43, new EventCalls.EventElapsed(0, 4, 5)));
        s.add(ok(f, "EVENT_ELAPSED result: 1.5 ms", MessageType.EVENT_ELAPSED, 43, new EventCalls.Elapsed(1.5f)));
        s.add(async(f, "EVENT_DESTROY, async", 44, new EventCalls.EventDestroy(0, 4)));

        f = "errors";
        s.add(new Sample(f, "STREAM_SYNC reporting the latched error of LAUNCH seq 30", Wire.FLAG_REPLY, 45, SESSION,
                new Reply(0, 700, 30, "an illegal memory access was encountered", "", Results.Empty.INSTANCE),
                MessageType.STREAM_SYNC.code()));
        s.add(new Sample(f, "COPY_DTOH refused: the pointer is not the session's", Wire.FLAG_REPLY, 46, SESSION,
                Reply.error(1, "0x7f3a00000000+8 is not inside an allocation of this session on device 0"),
                MessageType.COPY_DTOH.code()));
        s.add(new Sample(f, "MEM_ALLOC failing with a latched error as well", Wire.FLAG_REPLY, 47, SESSION,
                new Reply(2, 400, 44, "unknown event handle 4", "out of memory", null), MessageType.MEM_ALLOC.code()));
        s.add(new Sample(f, "INDIRECT MODULE_LOAD: the payload lies in the shared region at 4096, 52 bytes", Wire.FLAG_INDIRECT, 48,
                SESSION, null, MessageType.MODULE_LOAD.code()));
        return s;
    }

    /** The INDIRECT reference of the sample above. */
    static final Codec.Indirect INDIRECT = new Codec.Indirect(4096, 52);

    static List<Invalid> invalid() {
        List<Invalid> v = new ArrayList<>();
        byte[] good = frame(0, MessageType.MEM_ALLOC.code(), 4, new byte[] {0, 0, 0, 0, 16, 0, 0, 0, 0, 0});
        v.add(new Invalid("bad magic", patch(good, 0, 0x4e), true, 1, "bad magic"));
        v.add(new Invalid("version 2", patch(good, 4, 2), true, 1, "unsupported protocol version"));
        v.add(new Invalid("unknown flag 0x10", patch(good, 5, 0x10), true, 1, "unknown flag"));
        v.add(new Invalid("header length larger than the frame", patch(good, 12, 11), true, 1, "payload bytes"));
        v.add(new Invalid("truncated header", java.util.Arrays.copyOf(good, 20), true, 1, "shorter than"));
        v.add(new Invalid("undefined type 0x00ee", patch(good, 6, 0xee), false, 801, "not defined"));
        v.add(new Invalid("MEM_ALLOC one byte short",
                frame(0, MessageType.MEM_ALLOC.code(), 4, new byte[] {0, 0, 0, 0, 16, 0, 0, 0, 0}), false, 1, "ends inside field 'bytes'"));
        v.add(new Invalid("MEM_ALLOC with a trailing byte",
                frame(0, MessageType.MEM_ALLOC.code(), 4, new byte[] {0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0}), false, 1, "unexpected bytes"));
        v.add(new Invalid("MEM_ALLOC of 2^64-1 bytes",
                frame(0, MessageType.MEM_ALLOC.code(), 4, new byte[] {0, 0, -1, -1, -1, -1, -1, -1, -1, -1}), false, 1, "not a valid size"));
        v.add(new Invalid("device 64", frame(0, MessageType.MEM_INFO.code(), 4, new byte[] {64, 0}), false, 1, "device 64"));
        v.add(new Invalid("MEM_ALLOC sent ASYNC (it has a result)", patch(good, 5, Wire.FLAG_ASYNC), false, 1, "asynchronously"));
        v.add(new Invalid("request with the REPLY flag", patch(good, 5, Wire.FLAG_REPLY), false, 1, "REPLY"));
        v.add(new Invalid("FUNCTION_GET name not UTF-8",
                frame(0, MessageType.FUNCTION_GET.code(), 5, new byte[] {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, (byte) 0xc3, 0x28}),
                false, 1, "UTF-8"));
        v.add(new Invalid("FUNCTION_GET name length past the end",
                frame(0, MessageType.FUNCTION_GET.code(), 5, new byte[] {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 'a'}),
                false, 1, "ends inside field 'name'"));
        v.add(new Invalid("LAUNCH with a zero block dimension",
                frame(0, MessageType.LAUNCH.code(), 6, launchWithBlockX(0)), false, 1, "dimensions must be >= 1"));
        v.add(new Invalid("EVENT_CREATE with unknown flag bits",
                frame(0, MessageType.EVENT_CREATE.code(), 7, new byte[] {0, 0, 4}), false, 1, "unknown bits"));
        v.add(new Invalid("HELLO with an empty version range",
                frame(0, MessageType.HELLO.code(), 1, new byte[] {2, 1}), false, 1, "version range"));
        return v;
    }

    private static byte[] launchWithBlockX(int bx) {
        ByteBuffer b = ByteBuffer.allocate(2 + 8 + 24 + 4 + 8).order(Wire.ORDER);
        b.putShort((short) 0).putLong(2).putInt(1).putInt(1).putInt(1).putInt(bx).putInt(1).putInt(1).putInt(0).putLong(0);
        return b.array();
    }

    static byte[] frame(int flags, int type, long seq, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(Wire.HEADER_SIZE + payload.length).order(Wire.ORDER);
        new FrameHeader(1, flags, type, seq, payload.length, SESSION).write(b, 0);
        b.position(Wire.HEADER_SIZE);
        b.put(payload);
        return b.array();
    }

    private static byte[] patch(byte[] frame, int at, int value) {
        byte[] c = frame.clone();
        c[at] = (byte) value;
        return c;
    }
}
