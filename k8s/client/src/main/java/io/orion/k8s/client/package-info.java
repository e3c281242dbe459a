/**
 * Small clients the Kubernetes components share: {@link io.orion.k8s.client.KubeClient} for the
 * few Kubernetes API calls they make (JSON over HTTPS with the pod's service-account token) and
 * {@link io.orion.k8s.client.ControllerClient} for the controller's REST API.
 *
 * <p>Why not a full Kubernetes client library: the components need a dozen calls (get, list by
 * label, create, replace with a resource version, JSON merge patch, delete); the full clients
 * bring tens of megabytes of non-OSGi jars and a second Jackson into every role. The tests use
 * the fabric8 mock API server as the peer, so the calls are checked against a real API surface.
 */
@Export
@Version("1.0.0")
package io.orion.k8s.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
