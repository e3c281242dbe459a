package io.orion.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuContext;

/** The DS component: activation, in-place reconfiguration, deactivation. */
class ComponentTest {

    @Test
    void reconfiguringKeepsOpenContextsAndDeactivatingClosesThem() {
        FakeDriver fake = FakeDriver.require();
        int live = fake.liveContexts();
        CudaBackendComponent c = new CudaBackendComponent(new SettingsTest.Config("auto", 1 << 20, 2, 0));
        GpuBackend backend = c;
        assertEquals("cuda", backend.name());
        assertEquals(2, backend.devices().size());
        assertTrue(backend.status().startsWith("ready"), backend.status());
        GpuContext ctx = backend.openContext(backend.devices().get(1).uuid());
        long p = ctx.memAlloc(16);

        c.modified(new SettingsTest.Config("spin", 1 << 20, 2, 0));
        ctx.memsetD8(p, 1, 16, null); // still open
        assertThrows(IllegalArgumentException.class, () -> c.modified(new SettingsTest.Config("nope", 1 << 20, 2, 0)));
        ctx.memsetD8(p, 2, 16, null);

        c.deactivate();
        assertEquals(live, fake.liveContexts());
    }
}
