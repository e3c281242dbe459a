package io.orion.k8s.deviceplugin.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.orion.k8s.client.ControllerException;
import io.orion.k8s.deviceplugin.internal.v1beta1.RegisterRequest;
import io.orion.k8s.deviceplugin.internal.v1beta1.RegistrationGrpc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin's life: read the pool's capacity, serve the plugin socket, register with the
 * kubelet, keep the slot count current, and start over when the kubelet restarts. One thread
 * does all of it, so the steps never race; the kubelet watch only wakes it.
 */
final class PluginRunner implements AutoCloseable {
    static final String API_VERSION = "v1beta1";
    static final Duration RETRY = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(PluginRunner.class);

    private final Path directory;
    private final String socketName;
    private final String resourceName;
    private final Capacity capacity;
    private final String controllerAddress;
    private final Duration refresh;
    private final PluginService service;
    private final UnixGrpc grpc = new UnixGrpc();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean reRegister;
    private volatile boolean stopped;
    private volatile boolean registered;
    private Server server;
    private KubeletWatch watch;
    private final Thread thread;

    PluginRunner(Path directory, String socketName, String resourceName, Capacity capacity, String controllerAddress,
                 Duration refresh, PluginService service) {
        this.directory = directory;
        this.socketName = socketName;
        this.resourceName = resourceName;
        this.capacity = capacity;
        this.controllerAddress = controllerAddress;
        this.refresh = refresh;
        this.service = service;
        this.thread = Thread.ofPlatform().daemon().name("orion-deviceplugin").unstarted(this::run);
    }

    void start() { thread.start(); }

    boolean registered() { return registered; }

    /** Called when kubelet.sock appears: serve and register again. */
    void kubeletRestarted() {
        lock.lock();
        try {
            reRegister = true;
            registered = false;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        boolean reached = false;
        while (!stopped) {
            Duration next = refresh;
            try {
                service.advertise(capacity.read());
                reached = true;
            } catch (ControllerException e) {
                if (e.unreachable()) {
                    // The line operators look for (docs/kubernetes.md); the slot count stays as it was.
                    LOG.warn("Cannot reach orion controller at {}. Retry in 2 seconds ...", controllerAddress);
                } else {
                    LOG.warn("the orion controller refused the pool query: {}. Retry in 2 seconds ...", e.getMessage());
                }
                next = RETRY;
            } catch (RuntimeException | LinkageError e) {
                LOG.error("reading the pool failed; retrying in 2 seconds", e);
                next = RETRY;
            }
            try {
                // Nothing is offered before the controller answered once; after that a kubelet
                // restart is followed even while the controller is away, with the slots last known.
                if (reached && (takeReRegister() || !registered)) startAndRegister();
            } catch (IOException | StatusRuntimeException e) {
                LOG.warn("cannot register {} with the kubelet at {}: {}. Retry in 2 seconds ...", resourceName,
                        directory.resolve(KubeletWatch.KUBELET_SOCKET), e.getMessage());
                next = RETRY;
            } catch (RuntimeException | LinkageError e) {
                // A class the runtime cannot load is a packaging fault; say so and keep the thread alive.
                LOG.error("device plugin step failed; retrying in 2 seconds", e);
                next = RETRY;
            }
            sleep(next);
        }
    }

    private boolean takeReRegister() {
        lock.lock();
        try {
            boolean r = reRegister;
            reRegister = false;
            return r;
        } finally {
            lock.unlock();
        }
    }

    private void startAndRegister() throws IOException {
        registered = false;
        if (watch == null) watch = new KubeletWatch(directory, this::kubeletRestarted);
        service.closeStreams();
        UnixGrpc.stop(server);
        server = null;
        Path socket = directory.resolve(socketName);
        server = grpc.serve(socket, service);
        Path kubeletSocket = directory.resolve(KubeletWatch.KUBELET_SOCKET);
        if (!java.nio.file.Files.exists(kubeletSocket)) throw new IOException(kubeletSocket + " does not exist (is the kubelet running?)");
        ManagedChannel kubelet = grpc.dial(kubeletSocket);
        try {
            RegistrationGrpc.newBlockingStub(kubelet).withDeadlineAfter(10, TimeUnit.SECONDS).register(RegisterRequest.newBuilder()
                    .setVersion(API_VERSION).setEndpoint(socketName).setResourceName(resourceName)
                    .setOptions(PluginService.options()).build());
        } finally {
            UnixGrpc.stop(kubelet);
        }
        registered = true;
        LOG.info("registered {} with the kubelet; serving {}", resourceName, socket);
    }

    private void sleep(Duration d) {
        lock.lock();
        try {
            long nanos = d.toNanos();
            while (!stopped && !reRegister && nanos > 0) nanos = wake.awaitNanos(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        stopped = true;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (watch != null) watch.close();
        } catch (IOException e) {
            LOG.debug("closing the kubelet watch", e);
        }
        service.closeStreams();
        UnixGrpc.stop(server);
        grpc.close();
        try {
            java.nio.file.Files.deleteIfExists(directory.resolve(socketName));
        } catch (IOException e) {
            LOG.debug("removing the plugin socket", e);
        }
    }
}
