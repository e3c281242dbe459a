package io.orion.store.journal.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The process {@link ProcessCrashTest} kills: appends allocations {@code <prefix>t<thread>-<n>} from
 * several threads and prints {@code ack <id> .} for each once {@code await()} returned, so every
 * printed id was reported durable. Runs until killed.
 *
 * <p>Arguments: directory, threads, snapshot threshold in bytes, id prefix.
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        long snapshotAfter = Long.parseLong(args[2]);
        String prefix = args[3];
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        Journal journal = Fixtures.open(Settings.of(dir).withSnapshotAfter(snapshotAfter));
        out.println("ready " + journal.load().allocations().size());
        out.flush();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread.ofPlatform().start(() -> {
                for (int i = 0; ; i++) {
                    String id = prefix + "t" + thread + "-" + i;
                    journal.append(List.of(Fixtures.put(Fixtures.allocation(id, "n" + thread, 1024)))).await();
                    synchronized (out) {
                        out.println("ack " + id + " .");
                        out.flush();
                    }
                }
            });
        }
    }
}
