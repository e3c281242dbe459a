package io.orion.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class SettingsTest {

    /** A configuration as Configuration Admin would hand it to the component. */
    record Config(String contextScheduling, long stagingBufferBytes, int stagingBuffers, long telemetryPeriodMillis)
            implements CudaBackendConfig {
        @Override
        public Class<? extends Annotation> annotationType() {
            return CudaBackendConfig.class;
        }
    }

    @Test
    void fromConfiguration() {
        CudaSettings s = CudaSettings.from(new Config(" Blocking-Sync ", 1 << 20, 8, 250));
        assertEquals("blocking-sync", s.contextScheduling());
        assertEquals(4, s.context().schedulingFlags());
        assertEquals(1 << 20, s.context().stagingBufferBytes());
        assertEquals(8, s.context().stagingBuffers());
        assertEquals(Duration.ofMillis(250), s.telemetryPeriod());
        assertTrue(s.telemetry());
        assertFalse(CudaSettings.from(new Config("spin", 1 << 20, 8, 0)).telemetry());
        assertEquals(1, CudaSettings.from(new Config("spin", 1 << 20, 8, 0)).context().schedulingFlags());
        assertEquals(0, CudaSettings.defaults().context().schedulingFlags());
    }

    @Test
    void badValuesAreNamed() {
        assertEquals("contextScheduling must be auto, spin, yield or blocking-sync, was 'fast'",
                assertThrows(IllegalArgumentException.class, () -> CudaSettings.from(new Config("fast", 1 << 20, 4, 1000))).getMessage());
        assertEquals("stagingBufferBytes must be between 65536 and 1073741824, was 1024",
                assertThrows(IllegalArgumentException.class, () -> CudaSettings.from(new Config("auto", 1024, 4, 1000))).getMessage());
        assertEquals("stagingBuffers must be between 1 and 64, was 0",
                assertThrows(IllegalArgumentException.class, () -> CudaSettings.from(new Config("auto", 1 << 20, 0, 1000))).getMessage());
        assertEquals("telemetryPeriodMillis must be 0 (off) or at least 100, was 10",
                assertThrows(IllegalArgumentException.class, () -> CudaSettings.from(new Config("auto", 1 << 20, 4, 10))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CudaSettings.from(new Config("auto", 1 << 20, 4, -1)));
    }
}
