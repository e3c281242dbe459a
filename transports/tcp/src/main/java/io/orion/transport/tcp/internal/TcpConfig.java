package io.orion.transport.tcp.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the TCP transport, PID {@value TcpTransportComponent#PID}. */
@ObjectClassDefinition(name = "Orion TCP transport", description = "Where the server listens for clients over TCP, and how its readers wait.")
@interface TcpConfig {

    @AttributeDefinition(name = "Bind address", description = "Address to listen on; 0.0.0.0 for every interface.")
    String bindAddress() default "0.0.0.0";

    @AttributeDefinition(name = "Port", description = "Orion's server ports are 9960-9962.")
    int port() default 9960;

    @AttributeDefinition(name = "Advertised host", description = "Host name clients reach this server by; empty for this machine's name.")
    String advertisedHost() default "";

    @AttributeDefinition(name = "Busy poll",
            description = "Readers never sleep: the lowest latency, at the price of one busy core per connection.")
    boolean busyPoll() default false;

    @AttributeDefinition(name = "Spin (µs)", description = "Without busy poll, how long a reader spins before it sleeps in the kernel.")
    int spinMicros() default 20;

    @AttributeDefinition(name = "Socket buffers (bytes)", description = "SO_SNDBUF and SO_RCVBUF of each connection.")
    int socketBufferBytes() default 4 << 20;

    @AttributeDefinition(name = "Largest frame (bytes)", description = "Frames above it close the connection (header included).")
    int maxFrameBytes() default (64 << 20) + 24;
}
