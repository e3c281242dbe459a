package io.orion.store.journal.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.NodeState;
import io.orion.api.store.NodeRecord;
import io.orion.api.store.StateChange;
import io.orion.api.store.StateStore;
import io.orion.logging.LogHistory;
import io.orion.testing.Await;
import io.orion.testing.Bundles;
import io.orion.testing.Configs;
import io.orion.testing.LogCapture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/** The journal store in a real framework: registered by name, described by metatype, re-opened on a change. */
@ExtendWith(ServiceExtension.class)
class JournalStoreIT {
    private static final String PID = "io.orion.store.journal";
    private static final String FILTER = "(" + StateStore.NAME_PROPERTY + "=journal)";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @InjectService ConfigurationAdmin cm;
    @InjectService LogHistory log;
    @InjectService MetaTypeService metatype;

    private final BundleContext ctx = Bundles.framework(getClass());

    @AfterEach
    void restore() throws Exception {
        Configs.reset(cm, PID);
        store(); // back with the defaults before the next test
    }

    private ServiceReference<StateStore> reference() {
        try {
            return ctx.getServiceReferences(StateStore.class, FILTER).stream().findFirst().orElse(null);
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private ServiceReference<StateStore> store() {
        return Await.value("the journal state store", WAIT, this::reference);
    }

    /** Waits for a registration other than {@code before}: the component re-opened. */
    private ServiceReference<StateStore> replacing(ServiceReference<StateStore> before) {
        Object id = before.getProperty(Constants.SERVICE_ID);
        return Await.value("the journal store re-registered", WAIT, () -> {
            ServiceReference<StateStore> r = reference();
            return r != null && !id.equals(r.getProperty(Constants.SERVICE_ID)) ? r : null;
        });
    }

    private static StateChange node(String name) {
        return new StateChange.NodePut(new NodeRecord(name, name + ":9125", Map.of("tcp", name + ":9125"),
                List.of(new GpuSpec("GPU-" + name, "NVIDIA H200", 143_771, 132, 9, 0, 8)), NodeState.UP));
    }

    private List<String> nodeNames(ServiceReference<StateStore> ref) {
        StateStore s = ctx.getService(ref);
        try {
            return s.load().nodes().stream().map(NodeRecord::name).toList();
        } finally {
            ctx.ungetService(ref);
        }
    }

    private void append(ServiceReference<StateStore> ref, StateChange... changes) {
        StateStore s = ctx.getService(ref);
        try {
            s.append(List.of(changes)).await();
        } finally {
            ctx.ungetService(ref);
        }
    }

    @Test
    void registersByNameAndKeepsItsFilesUnderOrionHome() {
        ServiceReference<StateStore> ref = store();
        assertEquals("journal", ref.getProperty(StateStore.NAME_PROPERTY));
        Path dir = Path.of(ctx.getProperty("orion.home"), "state");
        assertEquals(dir.toString(), ref.getProperty("orion.store.directory"));
        assertTrue(Files.exists(dir.resolve("lock")), "lock in " + dir);
        assertTrue(Files.exists(dir.resolve("0000000001.snapshot")), "first snapshot in " + dir);
    }

    @Test
    void metatypeDescribesTheConfiguration() {
        Bundle bundle = Bundles.find(ctx, "io.orion.store.journal").orElseThrow();
        ObjectClassDefinition ocd = metatype.getMetaTypeInformation(bundle).getObjectClassDefinition(PID, null);
        assertNotNull(ocd, "metatype for " + PID);
        List<String> ids = Arrays.stream(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)).map(AttributeDefinition::getID).toList();
        assertEquals(List.of("directory", "fsync", "commitWindowMs", "snapshotAfterBytes", "recovery"), ids);
    }

    @Test
    void aConfigurationChangeReopensTheStoreWithItsState() throws Exception {
        ServiceReference<StateStore> first = store();
        String name = "n-" + Instant.now().toEpochMilli();
        append(first, node(name));

        try (LogCapture capture = new LogCapture(log)) {
            Configs.set(cm, PID, "fsync", "never");
            ServiceReference<StateStore> second = replacing(first);
            capture.await("fsync never", WAIT);
            assertTrue(nodeNames(second).contains(name), "the state survived the change");
            append(second, node(name + "-after"));
            assertTrue(nodeNames(second).contains(name + "-after"));

            // Another directory is another store; going back finds everything as it was.
            Path elsewhere = Path.of(ctx.getProperty("orion.home"), "elsewhere-" + name);
            Configs.set(cm, PID, "directory", elsewhere.toString());
            ServiceReference<StateStore> third = replacing(second);
            assertEquals(List.of(), nodeNames(third));
            assertTrue(Files.exists(elsewhere.resolve("0000000001.journal")));
            Configs.reset(cm, PID);
            ServiceReference<StateStore> fourth = replacing(third);
            assertTrue(nodeNames(fourth).containsAll(List.of(name, name + "-after")));
        }
    }

    @Test
    void aBadValueIsRefusedByNameAndTheStoreComesBackWhenFixed() throws Exception {
        ServiceReference<StateStore> first = store();
        try (LogCapture capture = new LogCapture(log)) {
            Configs.set(cm, PID, "fsync", "sometimes");
            capture.await("fsync must be 'always' or 'never', was 'sometimes'", WAIT);
            Await.until("the store to be gone", WAIT, () -> reference() == null);
            Configs.set(cm, PID, "fsync", "always");
            assertNotEquals(first.getProperty(Constants.SERVICE_ID), store().getProperty(Constants.SERVICE_ID));
        }
    }

    @Test
    void aCorruptJournalKeepsTheStoreDownNamingFileAndOffset() throws Exception {
        Path dir = Path.of(ctx.getProperty("orion.home"), "damaged-" + Instant.now().toEpochMilli());
        ServiceReference<StateStore> first = store();
        Configs.set(cm, PID, "directory", dir.toString());
        ServiceReference<StateStore> onDir = replacing(first);
        append(onDir, node("a"));
        append(onDir, node("b"));
        append(onDir, node("c"));
        Configs.reset(cm, PID); // closes the damaged-to-be directory
        replacing(onDir);

        Path journal = dir.resolve("0000000001.journal");
        List<String> lines = Files.readAllLines(journal);
        long second = lines.get(0).length() + 1 + lines.get(1).length() + 1; // header, frame of "a", then "b"
        damage(journal, second + 30);

        try (LogCapture capture = new LogCapture(log)) {
            Configs.set(cm, PID, "directory", dir.toString());
            capture.await(journal + " is corrupt at byte offset " + second, WAIT);
            Await.until("the store to stay down", WAIT, () -> reference() == null);
            Configs.set(cm, PID, "recovery", "truncate");
            assertEquals(List.of("a"), nodeNames(store()), "the sound prefix");
            capture.await("recovery=truncate", WAIT);
        }
    }

    private static void damage(Path file, long offset) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[(int) offset] ^= 0x01;
        Files.write(file, b);
    }
}
