package io.orion.logging.internal;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import aQute.bnd.annotation.spi.ServiceProvider;

/**
 * The SLF4J provider. slf4j-api finds it through ServiceLoader (SPI Fly, in OSGi) and creates it
 * once; until {@link LogConfigurator} applies the configuration, the levels come from the
 * {@code orion.log.level} and {@code orion.log.levels} system properties.
 */
@ServiceProvider(SLF4JServiceProvider.class)
public final class OrionServiceProvider implements SLF4JServiceProvider {

    /**
     * Loggers too chatty at INFO for an operator's terminal, unless configured otherwise. CXF's
     * servlet controller warns for every request to a path no JAX-RS application serves (a typo'd
     * URL, a health probe in the instant before the REST API registers): the caller gets its 404,
     * and anyone able to reach the port could otherwise fill the log. JLine warns that it falls
     * back to a dumb terminal whenever the platform runs without one (a service, a pipe), which is
     * the headless mode working as documented.
     */
    static final String[] QUIET_BY_DEFAULT = {
        "org.apache.cxf=WARN", "org.eclipse.jetty=WARN", "org.apache.aries=WARN", "org.apache.felix.http=WARN",
        "org.apache.cxf.transport.servlet.ServletController=ERROR", "org.jline=ERROR",
        // gRPC asks every channel for TCP keep-alive; the device plugin's unix sockets have none,
        // and Netty warns "Unknown channel option 'SO_KEEPALIVE'" on each connection.
        "io.grpc.netty.shaded.io.netty.bootstrap=ERROR"
    };

    private OrionLoggerFactory factory;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();

    @Override
    public void initialize() {
        LevelTable table;
        try {
            table = launcherLevels(new String[0], "");
        } catch (IllegalArgumentException e) {
            System.err.println("orion logging: " + e.getMessage() + "; using INFO");
            table = LevelTable.parse("INFO", QUIET_BY_DEFAULT);
        }
        LogSink sink = new LogSink(System.err);
        try {
            sink.setFile(launcherFile(""));
        } catch (java.io.IOException e) {
            System.err.println("orion logging: cannot open the log file: " + e.getMessage());
        }
        factory = new OrionLoggerFactory(sink, table);
    }

    /**
     * The level table: built-in quiet loggers, then the launcher's {@code orion.log.levels}, then
     * the configured entries, later ones winning for the same logger; the default level is the
     * configured one, else the launcher's {@code orion.log.level}, else INFO.
     */
    static LevelTable launcherLevels(String[] configured, String configuredDefault) {
        String extra = System.getProperty("orion.log.levels", "");
        java.util.List<String> entries = new java.util.ArrayList<>(java.util.List.of(QUIET_BY_DEFAULT));
        if (!extra.isBlank()) entries.addAll(java.util.List.of(extra.split(",")));
        // a .cfg file gives the list as one text, "a=DEBUG,b=WARN": split each entry on commas too
        for (String c : configured) entries.addAll(java.util.List.of(c.split(",")));
        // later entries win: keep the last entry per logger name
        java.util.Map<String, String> byName = new java.util.LinkedHashMap<>();
        for (String e : entries) {
            int eq = e.indexOf('=');
            byName.remove(eq > 0 ? e.substring(0, eq).trim() : e);
            byName.put(eq > 0 ? e.substring(0, eq).trim() : e, e);
        }
        String level = !configuredDefault.isBlank() ? configuredDefault : System.getProperty("orion.log.level", "INFO");
        return LevelTable.parse(level, byName.values().toArray(String[]::new));
    }

    /** The configured file, else the launcher's {@code orion.log.file}; {@code none} for no file. */
    static String launcherFile(String configured) {
        String f = configured.isBlank() ? System.getProperty("orion.log.file", "") : configured.trim();
        return f.equals("none") ? "" : f;
    }

    @Override public ILoggerFactory getLoggerFactory() { return factory; }
    @Override public IMarkerFactory getMarkerFactory() { return markers; }
    @Override public MDCAdapter getMDCAdapter() { return mdc; }
    @Override public String getRequestedApiVersion() { return "2.0.99"; }
}
