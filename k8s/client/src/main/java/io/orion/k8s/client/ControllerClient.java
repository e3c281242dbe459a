package io.orion.k8s.client;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import io.orion.k8s.client.internal.HttpControllerClient;

import org.osgi.annotation.versioning.ProviderType;

/** The controller's REST API ({@code /api/v1/...}, docs/openapi.yaml) as the Kubernetes components use it. */
@ProviderType
public interface ControllerClient {

    /** The address calls go to, as configured ({@code host:port} or a URL): what log lines name. */
    String address();

    /** GET {@code path} (e.g. {@code /api/v1/gpus}); the JSON answer. */
    JsonNode get(String path);

    /** POST a JSON body; the JSON answer (an empty object for 204). */
    JsonNode post(String path, JsonNode body);

    /** DELETE; true when the controller had it (2xx), false on 404. */
    boolean delete(String path);

    /**
     * A client for the controller at {@code address}: {@code host:port}, {@code host} (port 9123)
     * or an {@code http://} / {@code https://} URL.
     *
     * @throws IllegalArgumentException naming the address when it is none of these
     */
    static ControllerClient of(String address, Duration timeout) {
        return new HttpControllerClient(address, timeout);
    }
}
