package io.orion.console.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Every configuration in Configuration Admin checked against its metatype description, and every
 * configuration file in FileInstall's deploy folder checked to have been applied.
 */
final class ConfigAudit {

    static final String FILENAME = "felix.fileinstall.filename";
    static final String DEPLOY_DIR = "felix.fileinstall.dir";

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final MetaTypeService metaType;

    ConfigAudit(BundleContext context, ConfigurationAdmin configAdmin, MetaTypeService metaType) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.metaType = metaType;
    }

    /** How many configurations were looked at, and what is wrong with them. */
    record Result(int configurations, List<ConfigProblem> problems) {}

    /** Every configuration against its description, and the deploy folder's files. */
    Result run() throws IOException {
        Result configs = configurations();
        List<ConfigProblem> problems = new ArrayList<>(configs.problems());
        problems.addAll(files(null));
        return new Result(configs.configurations(), problems);
    }

    /** Every configuration checked against its description (what changes only with a configuration event). */
    Result configurations() throws IOException {
        Map<String, ObjectClassDefinition> described = descriptions();
        List<ConfigProblem> problems = new ArrayList<>();
        int count = 0;
        for (Configuration c : all()) {
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) continue;
            count++;
            Object file = props.get(FILENAME);
            String pid = c.getFactoryPid() != null ? c.getFactoryPid() : c.getPid();
            String source = file != null ? file.toString().replaceFirst("^file:", "") : "configuration admin";
            problems.addAll(ConfigCheck.check(source, pid, asMap(props), Optional.ofNullable(described.get(pid)),
                    described.keySet()));
        }
        return new Result(count, problems);
    }

    /**
     * The deploy folder's configuration files FileInstall did not read (it sends no event for
     * them, so a watch looks again now and then); none when FileInstall watches no folder.
     *
     * @param unreadSince for a watch that looks repeatedly: see {@link ConfigFileCheck#check(Path, java.util.Collection, long, Map)}
     */
    List<ConfigProblem> files(Map<Path, Long> unreadSince) throws IOException {
        String deploy = context.getProperty(DEPLOY_DIR);
        if (deploy == null) return List.of();
        List<String> applied = new ArrayList<>();
        for (Configuration c : all()) {
            Dictionary<String, Object> props = c.getProperties();
            Object file = props == null ? null : props.get(FILENAME);
            if (file != null) applied.add(file.toString());
        }
        return ConfigFileCheck.check(Path.of(deploy), applied, System.currentTimeMillis(), unreadSince);
    }

    private Configuration[] all() throws IOException {
        try {
            Configuration[] all = configAdmin.listConfigurations(null);
            return all == null ? new Configuration[0] : all;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // a null filter is always valid
        }
    }

    /** Every PID and factory PID described by an installed bundle. */
    private Map<String, ObjectClassDefinition> descriptions() {
        Map<String, ObjectClassDefinition> out = new HashMap<>();
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info;
            try {
                info = metaType.getMetaTypeInformation(b);
            } catch (IllegalArgumentException | IllegalStateException e) {
                continue; // a bundle uninstalled while we looked
            }
            if (info == null) continue;
            for (String pid : info.getPids()) out.put(pid, info.getObjectClassDefinition(pid, null));
            for (String pid : info.getFactoryPids()) out.put(pid, info.getObjectClassDefinition(pid, null));
        }
        return out;
    }

    private static Map<String, Object> asMap(Dictionary<String, Object> d) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Enumeration<String> k = d.keys(); k.hasMoreElements(); ) {
            String key = k.nextElement();
            m.put(key, d.get(key));
        }
        return m;
    }
}
