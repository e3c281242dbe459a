package io.orion.transport.shm.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the shared-memory transport, PID {@value ShmTransportComponent#PID}. */
@ObjectClassDefinition(name = "Orion shared-memory transport",
        description = "Clients on the same node: rings and a payload region in a shared file per connection.")
@interface ShmConfig {

    @AttributeDefinition(name = "Directory",
            description = "Holds the rendezvous socket and the connections' files; mount it into client containers.")
    String directory() default "/dev/shm/orion";

    @AttributeDefinition(name = "Socket name", description = "File name of the rendezvous socket in the directory.")
    String socketName() default "orion.sock";

    @AttributeDefinition(name = "Region (MiB)", description = "Payload region of a connection whose client asks for no size.")
    int regionMiB() default 256;

    @AttributeDefinition(name = "Largest region (MiB)", description = "The most a client may ask for.")
    int maxRegionMiB() default 4096;

    @AttributeDefinition(name = "Request ring (KiB)", description = "Client-to-server ring; a power of two.")
    int requestRingKiB() default 4096;

    @AttributeDefinition(name = "Reply ring (KiB)", description = "Server-to-client ring; a power of two.")
    int replyRingKiB() default 1024;

    @AttributeDefinition(name = "Busy poll", description = "The server's pollers never sleep: lowest latency, one busy core per connection.")
    boolean busyPoll() default false;

    @AttributeDefinition(name = "Spin (µs)", description = "Without busy poll, how long a poller spins before it parks on the futex.")
    int spinMicros() default 50;

    @AttributeDefinition(name = "Park slice (ms)", description = "Longest single park; bounds how late a dead client is noticed.")
    int parkMillis() default 100;

    @AttributeDefinition(name = "File mode", description = "POSIX permissions of the socket and the shared files.")
    String fileMode() default "rw-rw-rw-";
}
