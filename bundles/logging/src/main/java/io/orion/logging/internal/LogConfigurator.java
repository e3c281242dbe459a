package io.orion.logging.internal;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

import io.orion.logging.LogHistory;
import io.orion.logging.LogRecord;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.LoggerFactory;

/**
 * Applies the logging configuration to the SLF4J provider, bridges the OSGi log and
 * java.util.logging into it, and offers the recent records as {@link LogHistory}.
 */
@Component(immediate = true, configurationPid = LogConfigurator.PID, service = LogHistory.class)
@Designate(ocd = LogConfig.class)
public final class LogConfigurator implements LogHistory {

    static final String PID = "io.orion.logging";

    private final OrionLoggerFactory factory;
    private final JulBridge jul;
    private final LogListener osgiListener;

    @Activate
    public LogConfigurator(LogConfig config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof OrionLoggerFactory f)) {
            // slf4j bound to another provider (or none): our records would go nowhere we control.
            throw new IllegalStateException("SLF4J is bound to " + LoggerFactory.getILoggerFactory().getClass().getName()
                    + ", not to io.orion.logging; check that SPI Fly starts before slf4j-api's users");
        }
        this.factory = f;
        this.jul = new JulBridge(f);
        this.osgiListener = this::fromOsgiLog;
        apply(config);
        jul.install();
    }

    @Modified
    void modified(LogConfig config) {
        apply(config);
    }

    private void apply(LogConfig config) {
        try {
            factory.setLevels(OrionServiceProvider.launcherLevels(config.levels(), config.level()));
            factory.sink().setConsoleLevel(Level.parse(config.consoleLevel(), "consoleLevel"));
        } catch (IllegalArgumentException e) {
            factory.logger(LogConfigurator.class.getName()).error("logging configuration {} rejected: {}; previous levels kept", PID, e.getMessage());
        }
        try {
            factory.sink().setFile(OrionServiceProvider.launcherFile(config.file()));
        } catch (IOException e) {
            factory.logger(LogConfigurator.class.getName()).error("cannot open log file '{}': {}", config.file(), e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        jul.uninstall();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addLogReader(LogReaderService reader) {
        reader.addLogListener(osgiListener);
    }

    void removeLogReader(LogReaderService reader) {
        reader.removeLogListener(osgiListener);
    }

    /** OSGi log entries (framework, SCR, ConfigAdmin…) go to the logger of the bundle that logged. */
    private void fromOsgiLog(LogEntry e) {
        String name = e.getLoggerName() != null && !e.getLoggerName().equals("LogService")
                ? e.getLoggerName()
                : e.getBundle() == null ? "osgi" : e.getBundle().getSymbolicName();
        Level level = switch (e.getLogLevel()) {
            case AUDIT, ERROR -> Level.ERROR;
            case WARN -> Level.WARN;
            case INFO -> Level.INFO;
            case DEBUG -> Level.DEBUG;
            case TRACE -> Level.TRACE;
        };
        // The framework reports every bundle and service event at INFO ("Events.Service.<bsn>");
        // they are debugging detail for an operator.
        if (name.startsWith("Events.") && level == Level.INFO) level = Level.DEBUG;
        OrionLogger logger = factory.logger(name);
        if (logger.level().allows(level)) factory.sink().write(level, name, e.getMessage(), e.getException());
    }

    @Override
    public List<LogRecord> recent(int max) {
        return factory.sink().recent(max);
    }

    @Override
    public AutoCloseable subscribe(Consumer<LogRecord> listener) {
        return factory.sink().subscribe(listener);
    }
}
