package io.orion.portal.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the portal's utilization history, PID {@value UsageHistory#PID}. */
@ObjectClassDefinition(name = "Orion portal history",
        description = "How often the portal samples GPU and vGPU usage from server heartbeats, and how long it keeps it.")
@interface HistoryConfig {

    @AttributeDefinition(name = "Sampling interval", min = "100", max = "60000",
            description = "Milliseconds between looks at the servers' latest heartbeats. A heartbeat is sampled once, "
                    + "so sampling faster than servers report adds no points; slower than they report skips some.")
    int sampleMillis() default 1000;

    @AttributeDefinition(name = "History length", min = "10", max = "86400",
            description = "Seconds of samples kept per GPU and per vGPU (the longest window the graphs can show).")
    int historySeconds() default 900;
}
