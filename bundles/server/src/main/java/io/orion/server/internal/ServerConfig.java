package io.orion.server.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the remoting server, PID {@value ServerComponent#PID}. Changes apply at once. */
@ObjectClassDefinition(name = "Orion server",
        description = "vGPU sessions: how long a disconnected session waits for its client, who may open one, frame limits.")
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
}
