package io.orion.api.platform;

import java.util.Map;

/**
 * The condition a node's listeners and its node agent wait for before they bind or join the
 * pool: an {@code org.osgi.service.condition.Condition} service with
 * {@code osgi.condition.id=}{@value #CONDITION_ID}.
 *
 * <p>Where the address is known at start (standalone, a plain server) the platform core
 * registers it at once, without properties: every component binds as configured. A role whose
 * address comes later sets the framework property {@value #WAIT_PROPERTY}{@code =true}; the
 * core then registers nothing and the bundle that finds the address (on Kubernetes
 * {@code io.orion.k8s.netwait}, once {@code ORION_BIND_NET} is up) registers the condition with
 * {@value #ADDRESS_PROPERTY} and, where it knows it, {@value #NODE_NAME_PROPERTY}. Until then
 * nothing listens and the node is not registered anywhere.
 */
public final class BindReady {
    private BindReady() {}

    /** The condition's id. */
    public static final String CONDITION_ID = "orion.bind.ready";

    /** The filter a component's reference to the condition uses. */
    public static final String FILTER = "(osgi.condition.id=" + CONDITION_ID + ")";

    /** Framework property: {@code true} when another bundle than the core registers the condition. */
    public static final String WAIT_PROPERTY = "orion.bind.wait";

    /** Condition property: the address to listen on and to advertise (it overrides configured bind addresses). */
    public static final String ADDRESS_PROPERTY = "orion.bind.address";

    /** Condition property: the interface the address belongs to. */
    public static final String INTERFACE_PROPERTY = "orion.bind.net";

    /** Condition property: the node's name in the pool (Kubernetes' {@code NODE_NAME}), unless the agent's configuration names one. */
    public static final String NODE_NAME_PROPERTY = "orion.node.name";

    /** The condition's address, or {@code null} when it carries none (bind as configured). */
    public static String address(Map<String, ?> condition) {
        return text(condition, ADDRESS_PROPERTY);
    }

    /** The condition's node name, or {@code null} when it carries none. */
    public static String nodeName(Map<String, ?> condition) {
        return text(condition, NODE_NAME_PROPERTY);
    }

    private static String text(Map<String, ?> condition, String key) {
        Object v = condition == null ? null : condition.get(key);
        return v == null || v.toString().isBlank() ? null : v.toString().strip();
    }
}
