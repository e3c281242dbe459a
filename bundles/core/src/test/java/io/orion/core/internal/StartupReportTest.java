package io.orion.core.internal;

import static io.orion.core.internal.SelectionTest.backend;
import static io.orion.core.internal.SelectionTest.entry;
import static io.orion.core.internal.SelectionTest.policy;
import static io.orion.core.internal.SelectionTest.settings;
import static io.orion.core.internal.SelectionTest.transport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;

import io.orion.api.backend.GpuBackend;
import io.orion.api.platform.PluginKind;
import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.transport.Transport;

import org.junit.jupiter.api.Test;

/** The one line (and the warnings) the core logs when the framework has started. */
class StartupReportTest {

    private final PluginSet<SchedulingPolicy> policies = new PluginSet<>();
    private final PluginSet<GpuBackend> backends = new PluginSet<>();
    private final PluginSet<Transport> transports = new PluginSet<>();

    private StartupReport report(Selection.Settings s) {
        return StartupReport.of(s, Selection.of(s, policies, backends, transports), backends);
    }

    @Test
    void aSettledStartIsOneLineWithoutWarningsAndSaysWhyAPreferredBackendWasPassedOver() {
        policies.add(entry(PluginKind.POLICY, "binpack", policy("binpack"), 0));
        policies.add(entry(PluginKind.POLICY, "spread", policy("spread"), 0));
        backends.add(entry(PluginKind.BACKEND, "cuda", backend("cuda", 0), 0));
        backends.add(entry(PluginKind.BACKEND, "host", backend("host", 1), 0));
        transports.add(entry(PluginKind.TRANSPORT, "shm", transport("shm"), 0));
        transports.add(entry(PluginKind.TRANSPORT, "tcp", transport("tcp"), 0));
        transports.add(entry(PluginKind.TRANSPORT, "rdma", transport("rdma"), 0));

        StartupReport r = report(settings("spread", "auto", "tcp", "shm"));

        assertEquals(List.of(), r.warnings());
        assertEquals("started: policy spread from bundle.spread 1.0.0; GPU backend host from bundle.host 1.0.0"
                + " (auto; cuda: ok); transports shm, tcp", r.summary());
    }

    @Test
    void whatIsStillMissingAfterStartIsWarnedAndNamed() {
        policies.add(entry(PluginKind.POLICY, "binpack", policy("binpack"), 0));
        backends.add(entry(PluginKind.BACKEND, "host", backend("host", 1), 0));

        StartupReport r = report(settings("spread", "cuda", "tcp"));

        assertEquals(3, r.warnings().size(), r.warnings().toString());
        assertTrue(r.warnings().get(0).contains("policy 'spread' is not installed; using the fallback 'binpack'"), r.warnings().get(0));
        assertTrue(r.warnings().get(1).contains("GPU backend 'cuda' is not installed") && r.warnings().get(1).contains("installed: host"),
                r.warnings().get(1));
        assertTrue(r.warnings().get(2).contains("no transport in use (configured: tcp)"), r.warnings().get(2));
        assertEquals("started: policy binpack from bundle.binpack 1.0.0; GPU backend none; transports none", r.summary());
    }

    @Test
    void noPolicyAtAllIsAWarningToo() {
        StartupReport r = report(settings("spread", "auto", "*"));
        assertTrue(r.warnings().getFirst().startsWith("no scheduling policy available: neither 'spread' nor the fallback 'binpack'"),
                r.warnings().toString());
        assertTrue(r.warnings().get(1).startsWith("no GPU backend is installed"), r.warnings().toString());
    }

    @Test
    void aRoleIsWarnedOnlyAboutTheKindsItNeeds() {
        Selection.Settings s = settings("binpack", "auto", "*");
        // a device plugin, scheduler, helper or monitor: no server, no placements
        StartupReport none = StartupReport.of(s, Selection.of(s, policies, backends, transports), backends, ExpectedKinds.parse("none"));
        assertEquals(List.of(), none.warnings());
        assertEquals("started: policy none; GPU backend none; transports none", none.summary());
        // a server places nothing: a missing policy is no news, a missing backend and transport are
        StartupReport server = StartupReport.of(s, Selection.of(s, policies, backends, transports), backends,
                ExpectedKinds.parse("backend, transport"));
        assertEquals(2, server.warnings().size(), server.warnings().toString());
        assertTrue(server.warnings().get(0).startsWith("no GPU backend is installed"), server.warnings().toString());
        assertTrue(server.warnings().get(1).startsWith("no transport in use"), server.warnings().toString());
        // a controller: only the policy
        StartupReport controller = StartupReport.of(s, Selection.of(s, policies, backends, transports), backends, ExpectedKinds.parse("policy"));
        assertEquals(1, controller.warnings().size(), controller.warnings().toString());
        assertTrue(controller.warnings().getFirst().startsWith("no scheduling policy available"), controller.warnings().toString());
    }

    @Test
    void theExpectedKindsAreReadFromTheRoleProperty() {
        assertEquals(EnumSet.allOf(PluginKind.class), ExpectedKinds.parse(null), "unset: the standalone role needs all three");
        assertEquals(EnumSet.allOf(PluginKind.class), ExpectedKinds.parse(" "));
        assertEquals(EnumSet.noneOf(PluginKind.class), ExpectedKinds.parse("none"));
        assertEquals(EnumSet.of(PluginKind.BACKEND, PluginKind.TRANSPORT), ExpectedKinds.parse("transport,backend"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ExpectedKinds.parse("policy,gpu"));
        assertTrue(bad.getMessage().contains("orion.role.expects='policy,gpu': 'gpu' is not a plugin kind"), bad.getMessage());
    }
}
