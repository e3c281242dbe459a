package io.orion.protocol;

import java.nio.ByteOrder;

/** Constants of the frame format (docs/protocol.md §2). Everything on the wire is little-endian. */
public final class Wire {
    private Wire() {}

    public static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    /** "ORVG" as bytes 4F 52 56 47, read as a little-endian int. */
    public static final int MAGIC = 0x4756524F;

    /** The only protocol version so far. */
    public static final int VERSION_1 = 1;
    public static final int MIN_VERSION = VERSION_1;
    public static final int MAX_VERSION = VERSION_1;

    /** Bytes of the frame header. */
    public static final int HEADER_SIZE = 24;

    // ---- header flags -------------------------------------------------------------------------
    /** The frame answers the request with the same sequence number. */
    public static final int FLAG_REPLY = 0x01;
    /** A request that wants no reply; its error, if any, latches on the session. */
    public static final int FLAG_ASYNC = 0x02;
    /** A reply frame that more frames of the same reply follow. */
    public static final int FLAG_MORE = 0x04;
    /** The payload is a reference {u64 offset, u64 length} into the connection's shared region. */
    public static final int FLAG_INDIRECT = 0x08;
    public static final int KNOWN_FLAGS = FLAG_REPLY | FLAG_ASYNC | FLAG_MORE | FLAG_INDIRECT;

    // ---- limits a decoder enforces ------------------------------------------------------------
    /** Payload limit of frames before the session is open (HELLO and its reply). */
    public static final int HELLO_MAX_PAYLOAD = 64 * 1024;
    /** Largest payload a server may announce; the default it announces is {@link #DEFAULT_MAX_PAYLOAD}. */
    public static final int ABSOLUTE_MAX_PAYLOAD = 1 << 30;
    public static final int DEFAULT_MAX_PAYLOAD = 64 << 20;
    /** Longest string field in bytes (UTF-8). Mangled C++ kernel names fit easily. */
    public static final int MAX_STRING = 8 * 1024;
    /** Most vGPUs one session may hold. */
    public static final int MAX_DEVICES = 64;
    /** Most kernel parameters (CUDA's parameter space is 32 764 bytes). */
    public static final int MAX_PARAMS = 32_764;
    /** Most device attributes in one DEVICE_INFO result. */
    public static final int MAX_ATTRIBUTES = 1024;
    /** Bytes of an INDIRECT payload: u64 offset, u64 length. */
    public static final int INDIRECT_SIZE = 16;
}
