package io.orion.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.orion.api.backend.CudaError;
import io.orion.api.server.SessionInfo;
import io.orion.api.server.VgpuGrant;
import io.orion.protocol.DeviceCalls;
import io.orion.protocol.EventCalls;
import io.orion.protocol.ExecCalls;
import io.orion.protocol.MemoryCalls;
import io.orion.protocol.ModuleCalls;
import io.orion.protocol.Reply;
import io.orion.protocol.Results;
import io.orion.protocol.SessionCalls;
import io.orion.protocol.StreamCalls;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server's session rules through the wire format, on a test double of a backend. */
class RemotingServerTest {
    private static final long MIB = 1 << 20;

    private FakeBackend backend;
    private RemotingServer server;

    @BeforeEach
    void start() {
        backend = new FakeBackend(64 * MIB);
        server = new RemotingServer(ServerSettings.defaults().withDisconnectGrace(Duration.ofMillis(200))
                .withTransportGrace(Duration.ofSeconds(30)).withChunkBytes(4096), () -> Optional.of(backend));
    }

    @AfterEach
    void stop() {
        server.close();
        assertEquals(0, backend.open.size(), "contexts left open");
    }

    private static long ptr(Reply r) {
        assertTrue(r.isOk(), r.toString());
        return ((Results.Pointer) r.result()).address();
    }

    private static long handle(Reply r) {
        assertTrue(r.isOk(), r.toString());
        return ((Results.Handle) r.result()).handle();
    }

    private static ByteBuffer bytes(int n, int seed) {
        ByteBuffer b = ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) b.put((byte) (i * 7 + seed));
        return b.flip();
    }

    @Test
    void aSessionSeesItsQuotaNotTheCard() {
        LoopbackConnection c = new LoopbackConnection(server, null);
        assertEquals(1, c.hello(1, 8, "").deviceCount());
        DeviceCalls.DeviceDescription d = (DeviceCalls.DeviceDescription) c.call(new DeviceCalls.DeviceInfo(0)).result();
        assertEquals(8 * MIB, d.memoryBytes());
        assertEquals(64 * MIB, d.physicalMemoryBytes());
        assertEquals(50, d.ratio());
        assertEquals(1024, d.attributes().get(1));
        ptr(c.call(new MemoryCalls.MemAlloc(0, 3 * MIB)));
        DeviceCalls.MemoryStatus m = (DeviceCalls.MemoryStatus) c.call(new DeviceCalls.MemInfo(0)).result();
        assertEquals(new DeviceCalls.MemoryStatus(5 * MIB, 8 * MIB), m);
    }

    @Test
    void allocationsBeyondTheQuotaFailWithOutOfMemoryAndTakeNothing() {
        LoopbackConnection c = new LoopbackConnection(server, null);
        c.hello(1, 4, "");
        long a = ptr(c.call(new MemoryCalls.MemAlloc(0, 3 * MIB)));
        Reply r = c.call(new MemoryCalls.MemAlloc(0, 2 * MIB));
        assertEquals(CudaError.OUT_OF_MEMORY.code(), r.status());
        assertTrue(r.message().contains("quota"), r.message());
        assertEquals(3 * MIB, backend.allocated(), "the refused allocation never reached the device");
        assertTrue(c.call(new MemoryCalls.MemFree(0, a)).isOk());
        ptr(c.call(new MemoryCalls.MemAlloc(0, 4 * MIB)));
    }

    @Test
    void theProcessesOfOneGroupShareOneQuota() {
        LoopbackConnection a = new LoopbackConnection(server, null), b = new LoopbackConnection(server, null);
        a.hello(1, 2, "pod-1");
        b.hello(1, 2, "pod-1");
        ptr(a.call(new MemoryCalls.MemAlloc(0, MIB + MIB / 2)));
        assertEquals(CudaError.OUT_OF_MEMORY.code(), b.call(new MemoryCalls.MemAlloc(0, MIB)).status());
        ptr(b.call(new MemoryCalls.MemAlloc(0, MIB / 2)));
        assertEquals(1, server.vgpus().size(), "one automatic vGPU for the group");
        assertEquals(2 * MIB, server.vgpus().get(0).memoryUsedBytes());
    }

    @Test
    void aSessionCannotTouchAnotherSessionsMemoryOrFreedMemoryOrPastTheEnd() {
        LoopbackConnection a = new LoopbackConnection(server, null), b = new LoopbackConnection(server, null);
        a.hello(1, 8, "");
        b.hello(1, 8, "");
        long pa = ptr(a.call(new MemoryCalls.MemAlloc(0, 4096)));
        assertTrue(a.call(new MemoryCalls.CopyHtoD(0, pa, 0, bytes(4096, 1))).isOk());
        // b has no allocation at pa (the fake backend reuses addresses: only the server's tables stand in the way)
        Reply r = b.call(new MemoryCalls.CopyDtoH(0, pa, 16, 0));
        assertEquals(CudaError.INVALID_VALUE.code(), r.status());
        assertTrue(r.message().contains("not inside an allocation of this session"), r.message());
        assertEquals(CudaError.INVALID_VALUE.code(), b.call(new MemoryCalls.MemFree(0, pa)).status());
        assertEquals(CudaError.INVALID_VALUE.code(), b.call(new MemoryCalls.Memset(0, pa, 0, 16, 0)).status());
        // past the end, straddling the end, and inside but not at the start
        assertEquals(CudaError.INVALID_VALUE.code(), a.call(new MemoryCalls.CopyDtoH(0, pa, 4097, 0)).status());
        assertEquals(CudaError.INVALID_VALUE.code(), a.call(new MemoryCalls.CopyDtoH(0, pa + 4000, 200, 0)).status());
        assertEquals(CudaError.INVALID_VALUE.code(), a.call(new MemoryCalls.CopyDtoD(0, pa + 4096, pa, 1, 0)).status());
        assertEquals(CudaError.INVALID_VALUE.code(), a.call(new MemoryCalls.MemFree(0, pa + 8)).status());
        assertEquals(CudaError.INVALID_VALUE.code(), a.call(new MemoryCalls.CopyDtoH(0, -8, 16, 0)).status());
        // a's data is untouched
        assertArrayEquals(bytes(4096, 1).array(), a.read(0, pa, 4096));
        // freed memory is gone for good
        assertTrue(a.call(new MemoryCalls.MemFree(0, pa)).isOk());
        assertEquals(CudaError.INVALID_VALUE.code(), a.call(new MemoryCalls.CopyDtoH(0, pa, 16, 0)).status());
        assertEquals(CudaError.INVALID_VALUE.code(), a.call(new MemoryCalls.MemFree(0, pa)).status());
    }

    @Test
    void copiesRoundTripInChunks() {
        LoopbackConnection c = new LoopbackConnection(server, null);
        c.hello(1, 8, "");
        long p = ptr(c.call(new MemoryCalls.MemAlloc(0, 10_000)));
        long q = ptr(c.call(new MemoryCalls.MemAlloc(0, 10_000)));
        c.post(new MemoryCalls.CopyHtoD(0, p, 0, bytes(6000, 3).slice(0, 6000)), true);
        c.post(new MemoryCalls.CopyHtoD(0, p + 6000, 0, bytes(4000, 9)), true);
        c.post(new MemoryCalls.CopyDtoD(0, q, p, 10_000, 0), true);
        assertTrue(c.noReply(), "asynchronous calls are not answered");
        byte[] back = c.read(0, q, 10_000); // three chunks of at most 4096 bytes
        ByteBuffer want = ByteBuffer.allocate(10_000).put(bytes(6000, 3)).put(bytes(4000, 9));
        assertArrayEquals(want.array(), back);
        c.post(new MemoryCalls.Memset(0, q + 10, 0xab, 5, 0), true);
        byte[] set = c.read(0, q + 8, 9);
        assertArrayEquals(new byte[] {want.get(8), want.get(9), (byte) 0xab, (byte) 0xab, (byte) 0xab, (byte) 0xab, (byte) 0xab,
                want.get(15), want.get(16)}, set);
        SessionInfo info = server.sessions().get(0);
        assertEquals(10_000, info.vgpus().get(0).bytesToDevice());
        assertEquals(10_009, info.vgpus().get(0).bytesFromDevice());
        assertEquals(10_009, server.vgpus().get(0).bytesFromDevice());
        assertEquals(10_005, server.vgpus().get(0).bytesOnDevice(), "the copy on the device and the memset");
    }

    private static long[] fillKernel(LoopbackConnection c) {
        long mod = handle(c.call(new ModuleCalls.ModuleLoad(0, ByteBuffer.wrap("fill\nfault\n".getBytes(StandardCharsets.UTF_8)))));
        ModuleCalls.FunctionInfo f = (ModuleCalls.FunctionInfo) c.call(new ModuleCalls.FunctionGet(0, mod, "fill")).result();
        assertEquals(List.of(new ModuleCalls.Param(0, 8), new ModuleCalls.Param(8, 4), new ModuleCalls.Param(12, 4)), f.params());
        ModuleCalls.FunctionInfo again = (ModuleCalls.FunctionInfo) c.call(new ModuleCalls.FunctionGet(0, mod, "fill")).result();
        assertEquals(f.handle(), again.handle(), "a kernel looked up twice has one handle");
        ModuleCalls.FunctionInfo fault = (ModuleCalls.FunctionInfo) c.call(new ModuleCalls.FunctionGet(0, mod, "fault")).result();
        return new long[] {mod, f.handle(), fault.handle()};
    }

    private static ByteBuffer fillArgs(long ptr, int value, int count) {
        return ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(ptr).putInt(value).putInt(count).flip();
    }

    @Test
    void launchesRunAndTheirErrorsLatchUntilTheNextReply() {
        LoopbackConnection c = new LoopbackConnection(server, null);
        c.hello(1, 8, "");
        long[] k = fillKernel(c);
        long p = ptr(c.call(new MemoryCalls.MemAlloc(0, 400)));
        ExecCalls.Dim one = new ExecCalls.Dim(1, 1, 1);
        c.post(new ExecCalls.Launch(0, k[1], one, one, 0, 0, fillArgs(p, 42, 100)), true);
        byte[] data = c.read(0, p, 400);
        assertEquals(42, ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(396));

        // an asynchronous launch with arguments of the wrong size: no reply, the next reply carries it
        c.post(new ExecCalls.Launch(0, k[1], one, one, 0, 0, ByteBuffer.allocate(12)), true);
        long badSeq = c.seq;
        c.post(new ExecCalls.Launch(0, 999, one, one, 0, 0, ByteBuffer.allocate(0)), true);
        assertTrue(c.noReply());
        Reply r = c.call(new StreamCalls.StreamSync(0, 0));
        assertTrue(r.isOk());
        assertEquals(CudaError.INVALID_VALUE.code(), r.deferredStatus(), r.toString());
        assertEquals(badSeq, r.deferredSeq());
        assertTrue(r.deferredMessage().contains("takes 16 bytes"), r.deferredMessage());
        assertEquals(0, c.call(new StreamCalls.StreamSync(0, 0)).deferredStatus(), "reported once");

        // a fault inside a kernel surfaces at the next synchronize, as CUDA's does
        c.post(new ExecCalls.Launch(0, k[2], one, one, 0, 0, ByteBuffer.allocate(0)), true);
        assertEquals(CudaError.ILLEGAL_ADDRESS.code(), c.call(new DeviceCalls.DeviceSync(0)).status());
        assertEquals(2, server.sessions().get(0).vgpus().get(0).launches(), "refused launches are not counted");
    }

    @Test
    void streamsAndEventsAreHandlesOfTheSession() {
        LoopbackConnection a = new LoopbackConnection(server, null), b = new LoopbackConnection(server, null);
        a.hello(1, 8, "");
        b.hello(1, 8, "");
        long s = handle(a.call(new StreamCalls.StreamCreate(0, true, 0)));
        long e1 = handle(a.call(new EventCalls.EventCreate(0, false, false)));
        long e2 = handle(a.call(new EventCalls.EventCreate(0, false, false)));
        a.post(new EventCalls.EventRecord(0, e1, s), true);
        a.post(new EventCalls.EventRecord(0, e2, s), true);
        assertTrue(a.call(new EventCalls.EventSync(0, e2)).isOk());
        assertTrue(a.call(new EventCalls.EventQuery(0, e2)).isOk());
        assertTrue(((EventCalls.Elapsed) a.call(new EventCalls.EventElapsed(0, e1, e2)).result()).millis() >= 0);
        assertTrue(a.call(new StreamCalls.StreamQuery(0, s)).isOk());
        // b does not know a's handles
        assertEquals(CudaError.INVALID_HANDLE.code(), b.call(new StreamCalls.StreamSync(0, s)).status());
        assertEquals(CudaError.INVALID_HANDLE.code(), b.call(new EventCalls.EventQuery(0, e1)).status());
        assertEquals(CudaError.INVALID_HANDLE.code(), a.call(new StreamCalls.StreamDestroy(0, 0)).status());
        assertTrue(a.call(new StreamCalls.StreamDestroy(0, s)).isOk());
        assertEquals(CudaError.INVALID_HANDLE.code(), a.call(new StreamCalls.StreamSync(0, s)).status(), "a destroyed stream is gone");
        assertEquals(CudaError.INVALID_DEVICE.code(), a.call(new DeviceCalls.MemInfo(1)).status());
    }

    @Test
    void aClientThatDiesIsFreedWithinASecond() throws Exception {
        LoopbackConnection c = new LoopbackConnection(server, null);
        c.hello(1, 8, "");
        ptr(c.call(new MemoryCalls.MemAlloc(0, 5 * MIB)));
        long t0 = System.nanoTime();
        c.breakConnection();
        assertEquals(SessionInfo.State.DETACHED, server.sessions().get(0).state());
        while (!server.sessions().isEmpty() && System.nanoTime() - t0 < 2_000_000_000L) Thread.sleep(5);
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(server.sessions().isEmpty(), "session still there after " + took + " ms");
        assertTrue(took < 1000, "freed after " + took + " ms");
        assertEquals(0, backend.open.size());
        assertTrue(server.vgpus().isEmpty(), "the automatic vGPU went with its only session");
    }

    @Test
    void goodbyeFreesAtOnce() {
        LoopbackConnection c = new LoopbackConnection(server, null);
        c.hello(1, 8, "");
        ptr(c.call(new MemoryCalls.MemAlloc(0, MIB)));
        assertTrue(c.call(new SessionCalls.Goodbye()).isOk());
        assertTrue(server.sessions().isEmpty());
        assertEquals(0, backend.open.size());
        assertFalse(c.isOpen());
    }

    @Test
    void aSessionWhoseTransportClosedResumesWithItsMemoryIntact() {
        LoopbackConnection c = new LoopbackConnection(server, null);
        SessionCalls.HelloOk ok = c.hello(1, 8, "g");
        long p = ptr(c.call(new MemoryCalls.MemAlloc(0, 4096)));
        c.post(new MemoryCalls.CopyHtoD(0, p, 0, bytes(4096, 5)), true);
        long lastSent = c.seq;
        c.closeByTransport();
        assertEquals(SessionInfo.State.DETACHED, server.sessions().get(0).state());

        LoopbackConnection again = new LoopbackConnection(server, null);
        Reply r = again.call(new SessionCalls.Hello(1, 1, true, ok.session(), lastSent - 1, 100, "test-host", "test", "g",
                List.of(), 0, 0, 0));
        SessionCalls.HelloOk resumed = (SessionCalls.HelloOk) r.result();
        assertTrue(resumed.resumed());
        assertEquals(ok.session(), resumed.session());
        assertEquals(lastSent, resumed.lastHandledSeq());
        again.session = resumed.session();
        again.seq = lastSent;
        assertArrayEquals(bytes(4096, 5).array(), again.read(0, p, 4096));
        assertEquals(SessionInfo.State.ATTACHED, server.sessions().get(0).state());
    }

    @Test
    void aReplyTheClientLostIsSentAgainAfterTheResume() {
        LoopbackConnection c = new LoopbackConnection(server, null);
        SessionCalls.HelloOk ok = c.hello(1, 8, "");
        Reply first = c.call(new MemoryCalls.MemAlloc(0, 4096));
        long lastReceived = c.seq;
        Reply lost = c.call(new SessionCalls.Ping(bytes(100_000, 1))); // large: kept all the same
        c.closeByTransport();
        LoopbackConnection again = new LoopbackConnection(server, null);
        Reply r = again.call(new SessionCalls.Hello(1, 1, true, ok.session(), lastReceived, 100, "test-host", "test", "",
                List.of(), 0, 0, 0));
        assertEquals(lastReceived + 1, ((SessionCalls.HelloOk) r.result()).lastHandledSeq());
        assertEquals(lost, again.next(), "the reply of the call the client did not see comes again");
        assertTrue(again.noReply());
        assertTrue(first.isOk());
    }

    @Test
    void aResumeNeedsTheSameProcess() {
        LoopbackConnection c = new LoopbackConnection(server, null);
        SessionCalls.HelloOk ok = c.hello(1, 8, "");
        c.closeByTransport();
        LoopbackConnection other = new LoopbackConnection(server, null);
        Reply r = other.call(new SessionCalls.Hello(1, 1, true, ok.session(), 0, 101, "test-host", "test", "", List.of(), 0, 0, 0));
        assertEquals(CudaError.NOT_PERMITTED.code(), r.status());
        Reply gone = other.call(new SessionCalls.Hello(1, 1, true, 12345, 0, 100, "test-host", "test", "", List.of(), 0, 0, 0));
        assertEquals(CudaError.INVALID_CONTEXT.code(), gone.status());
    }

    @Test
    void aLoweredQuotaTakesNothingAndBlocksAllocationsUntilUsageDrops() {
        server.grant(new VgpuGrant("v1", FakeBackend.UUID, 4, 30, ""));
        LoopbackConnection c = new LoopbackConnection(server, null);
        Reply hello = c.call(new SessionCalls.Hello(1, 1, false, 0, 0, 1, "h", "t", "", List.of("v1"), 0, 0, 0));
        c.session = ((SessionCalls.HelloOk) hello.result()).session();
        long a = ptr(c.call(new MemoryCalls.MemAlloc(0, 3 * MIB)));
        server.resize("v1", 2, 30);
        assertEquals(CudaError.OUT_OF_MEMORY.code(), c.call(new MemoryCalls.MemAlloc(0, 1)).status());
        assertEquals(new DeviceCalls.MemoryStatus(0, 2 * MIB), c.call(new DeviceCalls.MemInfo(0)).result());
        assertEquals(3 * MIB, backend.allocated(), "nothing allocated was touched");
        assertTrue(c.call(new MemoryCalls.MemFree(0, a)).isOk());
        ptr(c.call(new MemoryCalls.MemAlloc(0, 2 * MIB)));
        assertEquals(2 * MIB, server.vgpu("v1").orElseThrow().memoryUsedBytes());
        // a granted vGPU's traffic counters only grow: a session that ends leaves its share in them
        LoopbackConnection d = new LoopbackConnection(server, null);
        long before = server.vgpu("v1").orElseThrow().bytesOnDevice();
        assertTrue(c.call(new SessionCalls.Goodbye()).isOk());
        Reply h2 = d.call(new SessionCalls.Hello(1, 1, false, 0, 0, 1, "h", "t", "", List.of("v1"), 0, 0, 0));
        d.session = ((SessionCalls.HelloOk) h2.result()).session();
        long p = ptr(d.call(new MemoryCalls.MemAlloc(0, 64)));
        assertTrue(d.call(new MemoryCalls.Memset(0, p, 1, 64, 0)).isOk());
        assertEquals(before + 64, server.vgpu("v1").orElseThrow().bytesOnDevice());
    }

    @Test
    void grantsAreCheckedWhenASessionOpens() {
        assertThrows(IllegalArgumentException.class, () -> server.grant(new VgpuGrant("x", "GPU-nope", 1, 10, "")));
        server.grant(new VgpuGrant("solo", FakeBackend.UUID, 4, 10, ""));
        server.grant(new VgpuGrant("pod", FakeBackend.UUID, 4, 10, "pod-9"));
        LoopbackConnection a = new LoopbackConnection(server, null), b = new LoopbackConnection(server, null);
        assertTrue(a.call(new SessionCalls.Hello(1, 1, false, 0, 0, 1, "h", "t", "", List.of("solo"), 0, 0, 0)).isOk());
        assertEquals(CudaError.NOT_PERMITTED.code(),
                b.call(new SessionCalls.Hello(1, 1, false, 0, 0, 2, "h", "t", "", List.of("solo"), 0, 0, 0)).status());
        assertEquals(CudaError.NOT_PERMITTED.code(),
                b.call(new SessionCalls.Hello(1, 1, false, 0, 0, 2, "h", "t", "pod-1", List.of("pod"), 0, 0, 0)).status());
        assertEquals(CudaError.INVALID_DEVICE.code(),
                b.call(new SessionCalls.Hello(1, 1, false, 0, 0, 2, "h", "t", "", List.of("nope"), 0, 0, 0)).status());
        assertTrue(server.revoke("solo"));
        assertTrue(server.sessions().isEmpty(), "revoking a vGPU closes its sessions");
        assertFalse(a.isOpen());
    }

    @Test
    void automaticGrantsCanBeSwitchedOff() {
        server.reconfigure(server.settings().withAutoGrant(false));
        LoopbackConnection c = new LoopbackConnection(server, null);
        Reply r = c.call(new SessionCalls.Hello(1, 1, false, 0, 0, 1, "h", "t", "", List.of(), 1, 8, 50));
        assertEquals(CudaError.NOT_PERMITTED.code(), r.status());
    }

    @Test
    void badFramesAreAnsweredOrCloseTheConnection() {
        LoopbackConnection c = new LoopbackConnection(server, null);
        c.post(new MemoryCalls.MemAlloc(0, 1), false);
        assertEquals(CudaError.NOT_INITIALIZED.code(), c.next().status(), "nothing before HELLO");
        c.hello(1, 8, "");
        // a delimited but malformed frame: an error reply, even though it says ASYNC
        byte[] f = new byte[24 + 3];
        ByteBuffer.wrap(f).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0x4756524F).put((byte) 1).put((byte) 2)
                .putShort((short) 0x22).putInt(77).putInt(3).putLong(c.session);
        c.raw(f);
        Reply r = c.next();
        assertEquals(CudaError.INVALID_VALUE.code(), r.status());
        assertTrue(r.message().contains("MEMSET"), r.message());
        // another session's id in the header
        ByteBuffer.wrap(f).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(16, c.session + 1);
        c.raw(f);
        assertEquals(CudaError.INVALID_CONTEXT.code(), c.next().status());
        // broken framing: the connection is closed, the session waits for a resume
        c.raw(new byte[] {1, 2, 3});
        assertFalse(c.isOpen());
        assertEquals(SessionInfo.State.DETACHED, server.sessions().get(0).state());
    }

    @Test
    void regionCopiesUseTheRegisteredSharedRegion() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment region = arena.allocate(1 << 20, 4096);
            LoopbackConnection c = new LoopbackConnection(server, region);
            c.hello(1, 8, "");
            assertEquals(1, backend.registered.get(), "the region is registered with the context");
            long p = ptr(c.call(new MemoryCalls.MemAlloc(0, 8192)));
            for (int i = 0; i < 8192; i++) region.set(ValueLayout.JAVA_BYTE, 4096 + i, (byte) (i * 3));
            c.post(new MemoryCalls.CopyHtoDRegion(0, p, 4096, 8192, 0), true);
            assertTrue(c.call(new MemoryCalls.CopyDtoHRegion(0, p, 65536, 8192, 0)).isOk());
            assertEquals(region.asSlice(4096, 8192).mismatch(region.asSlice(65536, 8192)), -1L);
            Reply outside = c.call(new MemoryCalls.CopyDtoHRegion(0, p, (1 << 20) - 100, 8192, 0));
            assertEquals(CudaError.INVALID_VALUE.code(), outside.status());
            assertTrue(outside.message().contains("outside"), outside.message());
            c.breakConnection();
            assertEquals(0, backend.registered.get(), "unregistered when the connection ends");
        }
    }

    @Test
    void regionCallsNeedARegion() {
        LoopbackConnection c = new LoopbackConnection(server, null);
        c.hello(1, 8, "");
        long p = ptr(c.call(new MemoryCalls.MemAlloc(0, 64)));
        assertEquals(CudaError.NOT_SUPPORTED.code(), c.call(new MemoryCalls.CopyDtoHRegion(0, p, 0, 64, 0)).status());
    }
}
