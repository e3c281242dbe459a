package io.orion.api.platform;

/**
 * One installed plugin.
 *
 * @param kind     policy, backend or transport
 * @param name     its name (the service property)
 * @param bundle   symbolic name of the bundle that provides it
 * @param version  that bundle's version
 * @param inUse    whether the platform uses it now
 * @param detail   one line of state, e.g. a backend's status or a transport's endpoint
 */
public record PluginInfo(PluginKind kind, String name, String bundle, String version, boolean inUse, String detail) {}
