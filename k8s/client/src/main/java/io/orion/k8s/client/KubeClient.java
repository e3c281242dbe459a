package io.orion.k8s.client;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orion.k8s.client.internal.HttpKubeClient;
import io.orion.k8s.client.internal.InCluster;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The Kubernetes API calls Orion's components make. Paths are API paths such as
 * {@code /api/v1/nodes/n1} or {@code /apis/coordination.k8s.io/v1/namespaces/ns/leases/l}.
 * Every failure is a {@link KubeException} naming the method, the path and the server's answer.
 */
@ProviderType
public interface KubeClient {

    /** The object at {@code path}, or empty when it does not exist (404). */
    Optional<ObjectNode> get(String path);

    /** The items of a collection, optionally filtered by a label selector ({@code key=value,...}; empty for all). */
    List<ObjectNode> list(String collectionPath, String labelSelector);

    /** Creates an object in a collection; 409 ({@link KubeException#isConflict()}) when it exists. */
    ObjectNode create(String collectionPath, ObjectNode object);

    /**
     * Replaces an object (PUT). When the body carries {@code metadata.resourceVersion} the server
     * refuses with 409 if the object changed since: optimistic concurrency.
     */
    ObjectNode replace(String path, ObjectNode object);

    /** Applies a JSON merge patch (RFC 7386); a null value removes a key. */
    ObjectNode mergePatch(String path, ObjectNode patch);

    /** Deletes an object; true if it existed. */
    boolean delete(String path);

    /** The namespace this pod runs in (the service account's), or {@code default} outside a cluster. */
    String namespace();

    /**
     * A client for the cluster this pod runs in: the API server from {@code KUBERNETES_SERVICE_HOST}
     * and {@code _PORT}, the service account's token (re-read as it rotates), CA and namespace from
     * {@code /var/run/secrets/kubernetes.io/serviceaccount}.
     */
    static KubeClient inCluster() {
        return InCluster.client(System.getenv(), Path.of(InCluster.SERVICE_ACCOUNT_DIR));
    }

    /** A client for any API server: tests (the mock server) and out-of-cluster tools. */
    static KubeClient of(URI server, String namespace, Supplier<String> bearerToken, SSLContext tls) {
        return new HttpKubeClient(server, namespace, bearerToken, tls);
    }
}
