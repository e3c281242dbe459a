package io.orion.k8s.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.orion.k8s.client.KubeClient;
import io.orion.k8s.client.KubeException;

/** The client of a pod inside the cluster: the API server's service address and the service account. */
public final class InCluster {
    public static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    private InCluster() {}

    public static KubeClient client(Map<String, String> env, Path accountDir) {
        String host = env.get("KUBERNETES_SERVICE_HOST");
        String port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "443");
        if (host == null || host.isBlank())
            throw new KubeException(0, "KUBERNETES_SERVICE_HOST is not set: this is not a pod in a Kubernetes cluster "
                    + "(or the service links were turned off)");
        Path tokenFile = accountDir.resolve("token");
        Path caFile = accountDir.resolve("ca.crt");
        String namespace = readOr(accountDir.resolve("namespace"), "default");
        // Bound tokens rotate (about hourly); reading the file per call is cheap and never stale.
        URI server = URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        return new HttpKubeClient(server, namespace, () -> readOr(tokenFile, ""), trusting(caFile));
    }

    private static String readOr(Path file, String fallback) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return fallback;
        }
    }

    /** TLS that trusts exactly the cluster's CA bundle. */
    static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) store.setCertificateEntry("ca-" + i++, c);
            if (i == 0) throw new KubeException(0, "no certificate in the cluster CA file " + caFile);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return tls;
        } catch (IOException | GeneralSecurityException e) {
            throw new KubeException(0, "cannot read the cluster CA " + caFile + ": " + e.getMessage(), e);
        }
    }
}
