package io.orion.k8s.deviceplugin.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;

/**
 * gRPC over unix sockets (epoll). Builders are given their transport classes directly, so no
 * ServiceLoader lookup is involved (it would not see these classes from inside a bundle).
 * Channels always send authority {@code localhost}: a socket path is not a valid authority and
 * strict HTTP/2 servers refuse it.
 */
final class UnixGrpc implements AutoCloseable {
    private final EventLoopGroup loop = new EpollEventLoopGroup(2, new DefaultThreadFactory("orion-deviceplugin-grpc", true));

    /** Serves {@code service} on a fresh socket at {@code socket} (a stale file there is removed first). */
    Server serve(Path socket, BindableService service) throws IOException {
        Files.deleteIfExists(socket);
        return NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(loop).workerEventLoopGroup(loop)
                .addService(service).build().start();
    }

    ManagedChannel dial(Path socket) {
        return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop)
                .usePlaintext().overrideAuthority("localhost").build();
    }

    static void stop(Server server) {
        if (server == null) return;
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void stop(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
