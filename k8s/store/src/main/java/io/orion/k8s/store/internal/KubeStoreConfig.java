package io.orion.k8s.store.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the Kubernetes state store, PID {@value KubeStoreComponent#PID}. */
@ObjectClassDefinition(name = "Orion state store (Kubernetes)",
        description = "Keeps the controller's state in ConfigMaps; of several controller replicas only the Lease holder writes.")
@interface KubeStoreConfig {

    @AttributeDefinition(name = "API server",
            description = "URL of the Kubernetes API when the controller runs outside the cluster, e.g. http://127.0.0.1:8001 "
                    + "behind kubectl proxy; empty in a pod (the service account's API server, token and CA).")
    String apiServer() default "";

    @AttributeDefinition(name = "Namespace", description = "Where the Lease and the ConfigMaps live; empty for the pod's own namespace "
            + "(default outside a cluster).")
    String namespace() default "";

    @AttributeDefinition(name = "Store name",
            description = "Label value orion.io/store of this store's ConfigMaps and prefix of their names; two controllers "
                    + "in one namespace need two names.")
    String storeName() default "orion";

    @AttributeDefinition(name = "Lease", description = "Name of the coordination.k8s.io/v1 Lease the replicas elect their leader with.")
    String leaseName() default "orion-controller";

    @AttributeDefinition(name = "Identity", description = "This replica's name in the Lease; empty for $POD_NAME, else the host name.")
    String identity() default "";

    @AttributeDefinition(name = "Lease duration (s)", min = "2",
            description = "How long followers wait after the last renewal they saw before they take over.")
    int leaseDurationSeconds() default 15;

    @AttributeDefinition(name = "Renew deadline (s)", min = "1",
            description = "A leader that could not renew for this long stops writing and steps down (less than the lease duration).")
    int renewDeadlineSeconds() default 10;

    @AttributeDefinition(name = "Retry period (s)", min = "1", description = "How often the Lease is renewed or checked.")
    int retryPeriodSeconds() default 2;
}
