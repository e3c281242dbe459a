package io.orion.transport.rdma.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the rdma transport, PID {@value RdmaTransportComponent#PID}. */
@ObjectClassDefinition(name = "Orion RDMA transport",
        description = "Clients with an RDMA device (InfiniBand, RoCE) through UCX: frames as UCX messages, bulk data by one-sided RDMA into a registered region.")
@interface RdmaConfig {

    @AttributeDefinition(name = "Bind address", description = "Address of the rendezvous socket; 0.0.0.0 for every interface.")
    String bindAddress() default "0.0.0.0";

    @AttributeDefinition(name = "Port", description = "TCP port of the rendezvous (Orion's server ports are 9960-9962).")
    int port() default 9961;

    @AttributeDefinition(name = "Advertised host", description = "Host name clients reach this server by; empty for this machine's name.")
    String advertisedHost() default "";

    @AttributeDefinition(name = "RMA", description = "Offer a registered payload region that clients write and read by one-sided RDMA; "
            + "off: every byte travels in UCX messages.")
    boolean rma() default true;

    @AttributeDefinition(name = "Region (MiB)", description = "Payload region of a connection whose client asks for no size.")
    int regionMiB() default 256;

    @AttributeDefinition(name = "Largest region (MiB)", description = "The most a client may ask for.")
    int maxRegionMiB() default 4096;

    @AttributeDefinition(name = "Busy poll", description = "Connection threads never sleep: lowest latency, one busy core per connection.")
    boolean busyPoll() default false;

    @AttributeDefinition(name = "Spin (µs)", description = "Without busy poll, how long a connection thread polls UCX before it waits for an event.")
    int spinMicros() default 50;

    @AttributeDefinition(name = "Largest frame (bytes)", description = "Frames above it close the connection (header included).")
    int maxFrameBytes() default (64 << 20) + 24;

    @AttributeDefinition(name = "UCX settings",
            description = "UCX variables without the UCX_ prefix, NAME=VALUE, e.g. TLS=rc_x,sm or NET_DEVICES=mlx5_0:1. "
                    + "MM_ERROR_HANDLING=y is added where shared memory may be used.")
    String[] ucx() default {};
}
