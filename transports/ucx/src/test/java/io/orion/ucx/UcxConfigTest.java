package io.orion.ucx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class UcxConfigTest {

    @Test
    void entriesAreParsedAndThePrefixDropped() {
        UcxConfig c = UcxConfig.parse("UCX_TLS=rc,sm", "net_devices = mlx5_0:1", "");
        assertEquals(Map.of("TLS", "rc,sm", "NET_DEVICES", "mlx5_0:1"), c.settings());
    }

    @Test
    void aClientListIsSplitAtSemicolons() {
        assertEquals(Map.of("TLS", "shm,self", "NET_DEVICES", "lo"), UcxConfig.parseList("TLS=shm,self; NET_DEVICES=lo;").settings());
        assertEquals(Map.of(), UcxConfig.parseList(null).settings());
    }

    @Test
    void aBadEntryIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UcxConfig.parse("TLS"));
        assertTrue(e.getMessage().contains("'TLS' is not NAME=VALUE"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UcxConfig.parse("1X=2"));
        assertTrue(e.getMessage().contains("'1X=2'"), e.getMessage());
    }

    /** Without MM_ERROR_HANDLING, UCX 1.13 quietly uses TCP instead of shared memory for endpoints with error handling. */
    @Test
    void sharedMemoryGetsErrorHandlingUnlessExcludedOrSet() {
        assertEquals("y", UcxConfig.parse().effective().get("MM_ERROR_HANDLING"));
        assertEquals("y", UcxConfig.parse("TLS=shm").effective().get("MM_ERROR_HANDLING"));
        assertEquals("y", UcxConfig.parse("TLS=rc,sm").effective().get("MM_ERROR_HANDLING"));
        assertEquals("y", UcxConfig.parse("TLS=^tcp").effective().get("MM_ERROR_HANDLING"));
        assertEquals(null, UcxConfig.parse("TLS=tcp").effective().get("MM_ERROR_HANDLING"));
        assertEquals(null, UcxConfig.parse("TLS=rc_x,ud").effective().get("MM_ERROR_HANDLING"));
        assertEquals("n", UcxConfig.parse("TLS=shm", "MM_ERROR_HANDLING=n").effective().get("MM_ERROR_HANDLING"));
    }
}
