package io.orion.k8s.deviceplugin.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a kubelet restart: the kubelet then empties the device-plugin directory (our socket
 * too) and creates kubelet.sock anew. Inotify on the directory reports that creation.
 */
final class KubeletWatch implements AutoCloseable {
    static final String KUBELET_SOCKET = "kubelet.sock";
    private static final Logger LOG = LoggerFactory.getLogger(KubeletWatch.class);

    private final WatchService watch;
    private final Thread thread;

    KubeletWatch(Path directory, Runnable onKubeletStart) throws IOException {
        watch = FileSystems.getDefault().newWatchService();
        directory.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
        thread = Thread.ofPlatform().daemon().name("orion-deviceplugin-kubelet-watch").start(() -> run(onKubeletStart));
    }

    private void run(Runnable onKubeletStart) {
        try {
            while (true) {
                WatchKey key = watch.take();
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.kind() == StandardWatchEventKinds.OVERFLOW
                            || (e.context() instanceof Path p && p.toString().equals(KUBELET_SOCKET))) {
                        LOG.info("kubelet.sock was created: the kubelet restarted; registering again");
                        onKubeletStart.run();
                    }
                }
                if (!key.reset()) {
                    LOG.warn("the device-plugin directory is gone; kubelet restarts are no longer noticed");
                    return;
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // closed: the plugin stops
        }
    }

    @Override
    public void close() throws IOException {
        watch.close();
        thread.interrupt();
    }
}
