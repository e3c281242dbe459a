package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuFunction;

import org.junit.jupiter.api.Test;

/** Device printf formats as C does. */
class DevicePrintfTest {

    @Test
    void conversionsFlagsWidthsAndLengthsFollowC() {
        try (TestDevice dev = new TestDevice()) {
            GpuFunction f = dev.ctx().function(dev.loadTestKernels("printf_formats"), "printf_formats");
            dev.ctx().launch(f, Dim3.of(1), Dim3.of(1), 0, null,
                    TestDevice.args(f, -42, 3.14159265, 0.000123456, -1234567890123L, (int) 3000000000L, 48879));
            dev.ctx().synchronize();
            // What glibc's printf writes for the same six calls with the same arguments (gcc 12, x86-64).
            assertEquals(List.of(
                    "int -42|  -42|-42  |-0042|-42|-42|-042\n",
                    "unsigned 3000000000 hex beef BEEF 0xbeef 0000beef oct 26264057000 026264057000\n",
                    "long -1234567890123 -1234567890123 18446742839141661493 fffffee08e04fb35\n",
                    "float 3.141593|3.14|     3.142|3.1       |+3.1e+00|3.141593E+00|3.14159|0.000123456|1.23456E+06|0.000123\n",
                    "char AB str host|    host|host    |ho\n",
                    "pct 100% done -42\n"), dev.printed);
        }
    }
}
