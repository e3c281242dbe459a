package io.orion.api.platform;

/** The three kinds of plugins the platform swaps at run time. */
public enum PluginKind {
    POLICY("policy"), BACKEND("backend"), TRANSPORT("transport");

    private final String label;

    PluginKind(String label) { this.label = label; }

    public String label() { return label; }
}
