package io.orion.transport.rdma.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RdmaDevicesTest {
    @Test
    void devicesAreTheKernelsList(@TempDir Path sys) throws IOException {
        assertEquals(List.of(), RdmaDevices.in(sys.resolve("infiniband")), "no folder: no device (this VM, the H200 machine)");
        Path ib = Files.createDirectories(sys.resolve("infiniband"));
        assertEquals(List.of(), RdmaDevices.in(ib));
        Files.createDirectory(ib.resolve("mlx5_1"));
        Files.createDirectory(ib.resolve("mlx5_0"));
        assertEquals(List.of("mlx5_0", "mlx5_1"), RdmaDevices.in(ib));
    }
}
