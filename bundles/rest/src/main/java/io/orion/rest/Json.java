package io.orion.rest;

/** Names shared by the platform's JAX-RS resources. */
public final class Json {
    private Json() {}

    /** {@code osgi.jaxrs.name} of the JSON extension; resources require it with {@code @JaxrsExtensionSelect}. */
    public static final String EXTENSION_NAME = "orion.json";

    /** The filter a resource puts in {@code @JaxrsExtensionSelect} to get JSON. */
    public static final String SELECT = "(osgi.jaxrs.name=" + EXTENSION_NAME + ")";

    /** The platform's API root. */
    public static final String API = "api/v1";
}
