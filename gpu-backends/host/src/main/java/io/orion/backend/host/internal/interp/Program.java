package io.orion.backend.host.internal.interp;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.orion.api.backend.KernelParam;

/**
 * A kernel decoded for the interpreter: its instructions, the called device functions appended
 * after it, register slots, and the memory layout of its shared, local and parameter spaces.
 * Immutable once built, except for its pool of idle {@link Block}s.
 */
public final class Program {
    final String name;
    final Insn[] code;
    /** Register slots: declared registers, constants, special registers, scratch. */
    final int slots;
    final int[] constSlots;
    final long[] constValues;
    final int[] specialSlots;
    final Special[] specialKinds;
    final int staticShared;
    /** Where {@code extern .shared} arrays start: after the static ones, aligned. */
    final int dynamicSharedOffset;
    /** Local memory per thread: the kernel's and its functions' frames. */
    final int localBytes;
    final int functionCount;
    final List<KernelParam> params;
    final long paramBytes;
    final int[] reqntid;
    final int[] maxntid;
    final int declaredRegisters;

    private final ConcurrentLinkedQueue<Block> idle = new ConcurrentLinkedQueue<>();

    Program(String name, Insn[] code, int slots, int[] constSlots, long[] constValues, int[] specialSlots,
            Special[] specialKinds, int staticShared, int dynamicSharedOffset, int localBytes, int functionCount,
            List<KernelParam> params, long paramBytes, int[] reqntid, int[] maxntid, int declaredRegisters) {
        this.name = name;
        this.code = code;
        this.slots = slots;
        this.constSlots = constSlots;
        this.constValues = constValues;
        this.specialSlots = specialSlots;
        this.specialKinds = specialKinds;
        this.staticShared = staticShared;
        this.dynamicSharedOffset = dynamicSharedOffset;
        this.localBytes = localBytes;
        this.functionCount = functionCount;
        this.params = List.copyOf(params);
        this.paramBytes = paramBytes;
        this.reqntid = reqntid;
        this.maxntid = maxntid;
        this.declaredRegisters = declaredRegisters;
    }

    public String name() { return name; }

    public List<KernelParam> params() { return params; }

    public long paramBytes() { return paramBytes; }

    public int staticSharedBytes() { return staticShared; }

    public int localBytesPerThread() { return localBytes; }

    /** Registers the kernel declares (all types), a stand-in for the hardware register count. */
    public int declaredRegisters() { return declaredRegisters; }

    /** {@code .reqntid} x,y,z, or null. */
    public int[] requiredBlock() { return reqntid == null ? null : reqntid.clone(); }

    /** {@code .maxntid} x,y,z, or null. */
    public int[] maxBlock() { return maxntid == null ? null : maxntid.clone(); }

    /** Shared memory a block needs with {@code dynamicShared} bytes of dynamic shared memory. */
    public int sharedBytes(int dynamicShared) {
        return dynamicShared > 0 ? dynamicSharedOffset + dynamicShared : staticShared;
    }

    Block acquireBlock(int threads, int sharedSize) {
        for (Block b; (b = idle.poll()) != null; ) {
            if (b.fits(threads, sharedSize)) return b;
        }
        return new Block(this, threads, sharedSize);
    }

    void releaseBlock(Block b) {
        b.launch = null;
        if (idle.size() < Runtime.getRuntime().availableProcessors()) idle.offer(b);
    }
}
