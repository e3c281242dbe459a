package io.orion.transport.rdma.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The RDMA devices of this node, as the kernel lists them (InfiniBand and RoCE HCAs, Soft-RoCE):
 * the ones UCX's ib transports can use. Clients learn from the handshake whether there are any.
 */
final class RdmaDevices {
    private RdmaDevices() {}

    static final Path SYS = Path.of("/sys/class/infiniband");

    /** Device names under {@code dir} (normally {@link #SYS}); empty when there is none or no such folder. */
    static List<String> in(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
