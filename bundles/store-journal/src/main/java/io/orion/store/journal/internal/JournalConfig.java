package io.orion.store.journal.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the journal state store, PID {@value JournalStore#PID}. See docs/state-store.md. */
@ObjectClassDefinition(
        name = "Orion state store (journal)",
        description = "Where and how the controller's state (nodes, allocations) is kept on disk. "
                + "A change re-opens the store: pending writes finish, then it opens again with the new settings.")
@interface JournalConfig {

    @AttributeDefinition(name = "Directory",
            description = "Folder of the journal and snapshots. Empty: ${orion.home}/state, or ./state without orion.home. "
                    + "One store per folder; the store locks it.")
    String directory() default "";

    @AttributeDefinition(name = "Sync to disk",
            description = "'always': an append is reported durable only after fsync (survives power loss). "
                    + "'never': after the write to the operating system (survives a process crash, not a power loss).",
            options = {@Option(label = "always", value = "always"), @Option(label = "never", value = "never")})
    String fsync() default "always";

    @AttributeDefinition(name = "Commit window (ms)",
            description = "How long the writer waits after the first append of a batch for more, to sync them together. "
                    + "0: no waiting; appends arriving during a sync form the next batch anyway.",
            min = "0", max = "1000")
    int commitWindowMs() default 0;

    @AttributeDefinition(name = "Snapshot after (bytes)",
            description = "When the journal grows past this size, the whole state is written as a snapshot and a new journal starts.",
            min = "4096")
    long snapshotAfterBytes() default 16L << 20;

    @AttributeDefinition(name = "Recovery",
            description = "What to do on a corrupt record when opening. 'strict': refuse to open, naming the file and offset. "
                    + "'truncate': keep the state up to the last sound record (a copy of the damaged file is kept), "
                    + "or rebuild a damaged snapshot from the generation before it.",
            options = {@Option(label = "strict", value = "strict"), @Option(label = "truncate", value = "truncate")})
    String recovery() default "strict";
}
