package io.orion.console.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the remote console, PID {@value RemoteConsole#PID}. */
@ObjectClassDefinition(name = "Orion remote console",
        description = "A line console on a local TCP port, for 'bin/orion console' to attach to a running platform.")
@interface RemoteConsoleConfig {
    @AttributeDefinition(name = "Enabled", description = "Whether to listen at all.")
    boolean enabled() default true;

    @AttributeDefinition(name = "Host", description = "Address to bind; keep it on loopback: the console is not authenticated.")
    String host() default "127.0.0.1";

    @AttributeDefinition(name = "Port", min = "-1", max = "65535",
            description = "TCP port; 0 picks a free one; -1 takes the launcher's (ORION_CONSOLE_PORT, else 9124).")
    int port() default -1;
}
