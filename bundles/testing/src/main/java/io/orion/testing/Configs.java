package io.orion.testing;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Sets configuration values the way an operator does, through Configuration Admin. */
public final class Configs {
    private Configs() {}

    /** Sets one property of a PID, keeping the others. */
    public static void set(ConfigurationAdmin cm, String pid, String key, Object value) throws IOException {
        Configuration c = cm.getConfiguration(pid, "?");
        Dictionary<String, Object> props = c.getProperties();
        if (props == null) props = new Hashtable<>();
        props.put(key, value);
        c.update(props);
    }

    /** Removes a PID's configuration: its component goes back to the defaults. */
    public static void reset(ConfigurationAdmin cm, String pid) throws IOException {
        Configuration c = cm.getConfiguration(pid, "?");
        c.delete();
    }
}
