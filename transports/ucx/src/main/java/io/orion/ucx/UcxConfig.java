package io.orion.ucx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.openucx.jucx.ucp.UcpParams;

/**
 * UCX settings of one Orion context: what an operator configured ({@code TLS=rc,sm},
 * {@code NET_DEVICES=mlx5_0:1}, any UCX variable without its {@code UCX_} prefix) plus the one
 * that Orion's use of UCX needs: endpoints with peer error handling (a client may die at any
 * time, the server must notice and carry on) keep UCX 1.13 off its shared-memory transports unless
 * {@code MM_ERROR_HANDLING=y}, and silently fall back to TCP on one node. So it is added unless the
 * operator set it or chose transports without shared memory.
 *
 * @param settings UCX variable name (no prefix, upper case) to value, in the order given
 */
public record UcxConfig(Map<String, String> settings) {
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
    /** UCX_TLS words that bring in the shared-memory (mm) transports. */
    private static final List<String> SHM_WORDS = List.of("all", "sm", "shm", "mm", "posix", "sysv", "xpmem");

    public UcxConfig {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * Parses {@code NAME=VALUE} entries (a leading {@code UCX_} is dropped).
     *
     * @throws IllegalArgumentException naming the entry that is not of that form
     */
    public static UcxConfig parse(String... entries) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String e : entries == null ? new String[0] : entries) {
            if (e == null || e.isBlank()) continue;
            int eq = e.indexOf('=');
            String name = eq < 0 ? "" : e.substring(0, eq).trim().toUpperCase(Locale.ROOT);
            if (name.startsWith("UCX_")) name = name.substring(4);
            if (eq < 0 || !NAME.matcher(name).matches())
                throw new IllegalArgumentException("UCX setting '" + e + "' is not NAME=VALUE (e.g. TLS=rc,sm)");
            m.put(name, e.substring(eq + 1).trim());
        }
        return new UcxConfig(m);
    }

    /**
     * Parses a list of {@code NAME=VALUE} entries separated by semicolons (values hold commas), as
     * clients take it from the {@value #CLIENT_PROPERTY} system property.
     */
    public static UcxConfig parseList(String list) {
        return parse(list == null ? new String[0] : list.split(";"));
    }

    /** System property with a client's UCX settings, e.g. {@code TLS=rc_x,sm;NET_DEVICES=mlx5_0:1}. */
    public static final String CLIENT_PROPERTY = "orion.ucx.settings";

    /** The settings with Orion's addition (see the class comment). */
    public Map<String, String> effective() {
        Map<String, String> m = new LinkedHashMap<>(settings);
        if (!m.containsKey("MM_ERROR_HANDLING") && mayUseSharedMemory()) m.put("MM_ERROR_HANDLING", "y");
        return m;
    }

    boolean mayUseSharedMemory() {
        String tls = settings.get("TLS");
        if (tls == null || tls.isBlank()) return true;
        String t = tls.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("^")) return true; // an exclusion list keeps what it does not name
        for (String w : t.split(",")) if (SHM_WORDS.contains(w.trim())) return true;
        return false;
    }

    /** Parameters of a context for Orion's transports: tagged messages (frames), RMA (bulk data), wake-ups. */
    public UcpParams contextParams() {
        UcpParams p = new UcpParams().requestTagFeature().requestRmaFeature().requestWakeupFeature().setMtWorkersShared(true);
        effective().forEach(p::setConfig);
        return p;
    }

    @Override
    public String toString() {
        return effective().toString();
    }
}
