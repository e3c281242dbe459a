package io.orion.server.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the remoting server, PID {@value ServerComponent#PID}. Changes apply at once. */
@ObjectClassDefinition(name = "Orion server",
        description = "vGPU sessions: how long a disconnected session waits for its client, who may open one, frame limits; "
                + "the compute gate that enforces each vGPU's share (ORION_RATIO).")
@interface ServerConfig {

    @AttributeDefinition(name = "Disconnect grace (ms)",
            description = "How long a session whose client connection broke keeps its GPU memory for the client to "
                    + "reconnect. Short, so that a dead client's memory is freed within a second; 0 frees at once.")
    long disconnectGraceMillis() default 500;

    @AttributeDefinition(name = "Transport grace (ms)",
            description = "How long a session waits whose connection was closed by its transport shutting down "
                    + "(a transport removed or swapped): long enough for the client to reconnect elsewhere.")
    long transportGraceMillis() default 60_000;

    @AttributeDefinition(name = "Automatic grants",
            description = "Let a client that names no granted vGPU ask for some (ORION_VGPU, ORION_GMEM, ORION_RATIO) without "
                    + "the controller. Off by default: in a pool the controller grants every vGPU, and a client must not "
                    + "size its own quota. Turn on only for a server used without a controller (development).")
    boolean autoGrant() default false;

    @AttributeDefinition(name = "Largest frame payload (bytes)", description = "Frames above it close the connection.")
    int maxPayloadBytes() default 64 << 20;

    @AttributeDefinition(name = "Device-to-host chunk (bytes)",
            description = "Size of the frames a device-to-host copy comes back in over transports that copy.")
    int chunkBytes() default 1 << 20;

    @AttributeDefinition(name = "Reaper period (ms)", description = "How often detached sessions past their grace are freed.")
    long reaperPeriodMillis() default 100;

    @AttributeDefinition(name = "Server name", description = "How the server introduces itself to clients.")
    String serverName() default "orion-server";

    @AttributeDefinition(name = "Compute mode",
            description = "How vGPU shares (ORION_RATIO) are enforced on every GPU: strict (the share is a cap, even on an idle "
                    + "GPU), elastic (idle capacity may be borrowed and is given back as soon as others need it), or off (no "
                    + "gate: contexts are time-sliced by the GPU and ratios mean nothing).",
            options = {@Option(value = "elastic"), @Option(value = "strict"), @Option(value = "off")})
    String computeMode() default "elastic";

    @AttributeDefinition(name = "Per-vGPU compute modes",
            description = "Exceptions to the compute mode, PATTERN=strict or PATTERN=elastic; the pattern (with * and ?) is matched "
                    + "against the vGPU id and its group (ORION_GROUP_ID); the first match wins.")
    String[] computeVgpuModes() default {};

    @AttributeDefinition(name = "Compute slice (ms)",
            description = "How long one vGPU holds a GPU before the gate looks at who else waits. Longer slices switch less often "
                    + "(each switch costs tens of microseconds of idle GPU); shorter ones make a waiting vGPU wait less.")
    long computeSliceMillis() default 10;

    @AttributeDefinition(name = "Compute lookahead (ms)",
            description = "GPU work a vGPU may have queued ahead while it holds the GPU: what a hand-over waits for at most.")
    long computeLookaheadMillis() default 2;

    @AttributeDefinition(name = "Measuring quantum (us)",
            description = "GPU work between two timing events of a stream: kernels shorter than this share one pair of events.")
    long computeQuantumMicros() default 500;

    @AttributeDefinition(name = "Idle grace (us)",
            description = "How long a vGPU holding a GPU may go without launching (its work all done) before its slice goes to "
                    + "a vGPU that waits.")
    long computeIdleGraceMicros() default 1000;

    @AttributeDefinition(name = "Share window (ms)",
            description = "The window the consumed share each vGPU reports (status, metrics, orion-smi) is measured over.")
    long computeShareWindowMillis() default 5000;
}
