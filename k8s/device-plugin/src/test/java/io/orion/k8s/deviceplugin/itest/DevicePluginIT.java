package io.orion.k8s.deviceplugin.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;

import io.orion.testing.Await;
import io.orion.testing.Configs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The device plugin bundle in a real framework, where its gRPC classes and the epoll native
 * library come from inside the bundle: it serves its socket (a peer speaking HTTP/2 gets the
 * server's SETTINGS frame back) and dials kubelet.sock (the kubelet side receives the HTTP/2
 * client preface). The protocol itself is tested against the test kubelet in DevicePluginTest.
 */
@ExtendWith(ServiceExtension.class)
class DevicePluginIT {
    private static final String PID = "io.orion.k8s.deviceplugin";
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @InjectService ConfigurationAdmin cm;

    @Test
    void servesItsSocketAndDialsTheKubeletInsideTheFramework() throws Exception {
        Path dir = Files.createTempDirectory("orion-dp");
        HttpServer controller = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        controller.createContext("/api/v1/gpus", ex -> {
            byte[] b = "[{\"uuid\":\"GPU-1\",\"vgpuSlots\":4}]".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        controller.start();
        CompletableFuture<byte[]> kubeletHeard = new CompletableFuture<>();
        try (ServerSocketChannel kubelet = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            kubelet.bind(UnixDomainSocketAddress.of(dir.resolve("kubelet.sock")));
            Thread.ofPlatform().daemon().start(() -> {
                try (SocketChannel c = kubelet.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(PREFACE.length);
                    while (in.hasRemaining() && c.read(in) >= 0) { /* reads the client preface */ }
                    kubeletHeard.complete(in.array());
                } catch (IOException e) {
                    kubeletHeard.completeExceptionally(e);
                }
            });
            // one update: the plugin starts once, with all three settings
            cm.getConfiguration(PID, "?").update(new java.util.Hashtable<>(java.util.Map.of("pluginDirectory", dir.toString(),
                    "controllerAddress", "127.0.0.1:" + controller.getAddress().getPort(), "clientLibraryHostPath", "")));

            assertEquals(new String(PREFACE, StandardCharsets.US_ASCII),
                    new String(kubeletHeard.get(20, TimeUnit.SECONDS), StandardCharsets.US_ASCII), "the Register call reached kubelet.sock");

            Path socket = dir.resolve("orion-vgpu.sock");
            Await.until("the plugin's socket", Duration.ofSeconds(20), () -> Files.exists(socket));
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                // client preface and an empty SETTINGS frame; the server answers with its SETTINGS (type 4)
                c.write(ByteBuffer.wrap(PREFACE));
                c.write(ByteBuffer.wrap(new byte[]{0, 0, 0, 4, 0, 0, 0, 0, 0}));
                ByteBuffer head = ByteBuffer.allocate(9);
                while (head.hasRemaining() && c.read(head) >= 0) { /* frame header */ }
                assertEquals(4, head.get(3), "an HTTP/2 SETTINGS frame from the plugin's gRPC server");
            }
        } finally {
            Configs.reset(cm, PID);
            controller.stop(0);
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
