package io.orion.logging.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of logging, PID {@value LogConfigurator#PID}. Applies at once. */
@ObjectClassDefinition(name = "Orion logging",
        description = "Log levels, where logs go. One format for the platform, SLF4J, OSGi log and java.util.logging.")
@interface LogConfig {

    @AttributeDefinition(name = "Level",
            description = "Default level: OFF, ERROR, WARN, INFO, DEBUG or TRACE; empty for the launcher's (ORION_LOG_LEVEL, else INFO).")
    String level() default "";

    @AttributeDefinition(name = "Levels per logger",
            description = "Entries logger.name=LEVEL; the longest matching name wins, e.g. io.orion.core=DEBUG. "
                    + "They add to the built-in ones (CXF, Jetty, Aries quiet below WARN), which they may override.")
    String[] levels() default {};

    @AttributeDefinition(name = "Console level",
            description = "Records at this level or above also go to standard error (all others only to the file and history).")
    String consoleLevel() default "TRACE";

    @AttributeDefinition(name = "Log file",
            description = "Path of a file that receives every record; empty for the launcher's ($ORION_HOME/logs/orion.log), 'none' for no file.")
    String file() default "";
}
