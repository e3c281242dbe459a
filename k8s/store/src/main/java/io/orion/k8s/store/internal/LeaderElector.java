package io.orion.k8s.store.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orion.k8s.client.KubeClient;
import io.orion.k8s.client.KubeException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as Kubernetes' own controllers do it: the
 * leader renews {@code renewTime} every retry period; a follower takes over once it has seen the
 * Lease unchanged for the holder's lease duration (measured on its own clock, so clock skew
 * between nodes does not matter). Every write carries the resource version it read, so of two
 * candidates exactly one wins. A leader that could not renew within the renew deadline steps
 * down before any follower may take over (deadline &lt; duration).
 */
final class LeaderElector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElector.class);
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").withZone(ZoneOffset.UTC);

    /** What happens on a change of leadership; called from the elector's thread. */
    interface Callbacks {
        void startedLeading();

        void stoppedLeading();
    }

    private final ObjectMapper json = new ObjectMapper();
    private final KubeClient kube;
    private final String namespace;
    private final String name;
    private final String identity;
    private final Duration leaseDuration;
    private final Duration renewDeadline;
    private final Duration retry;
    private final Callbacks callbacks;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile boolean leader;
    private volatile long lastRenewNanos;
    private volatile boolean resign;
    private long notBeforeNanos;
    private String observedVersion;
    private long observedAtNanos;

    LeaderElector(KubeClient kube, String namespace, String name, String identity, Duration leaseDuration,
                  Duration renewDeadline, Duration retry, Callbacks callbacks) {
        if (renewDeadline.compareTo(leaseDuration) >= 0)
            throw new IllegalArgumentException("renew deadline " + renewDeadline.toSeconds() + " s must be less than the lease duration "
                    + leaseDuration.toSeconds() + " s, or a stalled leader could still write after a follower took over");
        this.kube = kube;
        this.namespace = namespace;
        this.name = name;
        this.identity = identity;
        this.leaseDuration = leaseDuration;
        this.renewDeadline = renewDeadline;
        this.retry = retry;
        this.callbacks = callbacks;
        this.thread = Thread.ofPlatform().daemon().name("orion-leader-election").unstarted(this::run);
    }

    void start() { thread.start(); }

    String identity() { return identity; }

    /** True while this replica holds the Lease and renewed it within the renew deadline: the fence every write checks. */
    boolean leading() {
        return leader && System.nanoTime() - lastRenewNanos < renewDeadline.toNanos();
    }

    private String path() {
        return "/apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases/" + name;
    }

    private void run() {
        while (!stopped) {
            try {
                if (resign) {
                    resign = false;
                    if (leader) stepDown("it gave up leading");
                    release();
                    // Give the others one lease duration to take over before competing again.
                    notBeforeNanos = System.nanoTime() + leaseDuration.toNanos();
                } else if (System.nanoTime() >= notBeforeNanos && tryAcquireOrRenew()) {
                    lastRenewNanos = System.nanoTime();
                    if (!leader) {
                        leader = true;
                        LOG.info("{} is the leader (Lease {}/{})", identity, namespace, name);
                        try {
                            callbacks.startedLeading();
                        } catch (RuntimeException e) {
                            LOG.error("{} cannot lead: {}", identity, e.getMessage(), e);
                            resign = true;
                        }
                    }
                } else if (leader && !leading()) {
                    stepDown("could not renew Lease " + namespace + "/" + name + " within " + renewDeadline.toSeconds() + " s");
                }
            } catch (KubeException e) {
                LOG.warn("Lease {}/{}: {}", namespace, name, e.getMessage());
                if (leader && !leading()) stepDown("could not renew Lease within " + renewDeadline.toSeconds() + " s: " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("leader election step failed", e);
            }
            try {
                Thread.sleep(retry);
            } catch (InterruptedException e) {
                if (stopped) return;
                // resign() wakes the loop
            }
        }
    }

    private void stepDown(String why) {
        leader = false;
        LOG.warn("{} steps down: {}", identity, why);
        callbacks.stoppedLeading();
    }

    /** One round: true when this replica holds the Lease afterwards (created, renewed or taken over). */
    private boolean tryAcquireOrRenew() {
        Instant now = Instant.now();
        Optional<ObjectNode> current = kube.get(path());
        if (current.isEmpty()) {
            ObjectNode lease = json.createObjectNode().put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
            lease.putObject("metadata").put("name", name).put("namespace", namespace);
            claim(lease.putObject("spec"), now, 0);
            return write(() -> kube.create("/apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases", lease));
        }
        ObjectNode lease = current.get();
        ObjectNode spec = lease.has("spec") && lease.get("spec").isObject() ? (ObjectNode) lease.get("spec") : lease.putObject("spec");
        String holder = spec.path("holderIdentity").asText("");
        if (holder.equals(identity)) {
            spec.put("renewTime", MICRO_TIME.format(now));
            return write(() -> kube.replace(path(), lease));
        }
        if (leader) stepDown("Lease " + namespace + "/" + name + " is held by " + holder);
        String version = lease.path("metadata").path("resourceVersion").asText();
        if (!version.equals(observedVersion)) {
            observedVersion = version;
            observedAtNanos = System.nanoTime();
        }
        long theirDuration = Math.max(1, spec.path("leaseDurationSeconds").asLong(leaseDuration.toSeconds()));
        boolean expired = System.nanoTime() - observedAtNanos >= Duration.ofSeconds(theirDuration).toNanos();
        if (!holder.isEmpty() && !expired) return false;
        LOG.info("{} takes over Lease {}/{} from {}", identity, namespace, name, holder.isEmpty() ? "nobody (released)" : holder + " (expired)");
        claim(spec, now, spec.path("leaseTransitions").asInt(0) + 1);
        return write(() -> kube.replace(path(), lease));
    }

    private void claim(ObjectNode spec, Instant now, int transitions) {
        spec.put("holderIdentity", identity).put("leaseDurationSeconds", leaseDuration.toSeconds())
                .put("acquireTime", MICRO_TIME.format(now)).put("renewTime", MICRO_TIME.format(now))
                .put("leaseTransitions", transitions);
    }

    /** A write that lost a race (409: someone else wrote first) is a lost round, not an error. */
    private static boolean write(Runnable call) {
        try {
            call.run();
            return true;
        } catch (KubeException e) {
            if (e.isConflict()) return false;
            throw e;
        }
    }

    /**
     * Stops. With {@code release} a leader first stops leading (callbacks) and then empties the
     * Lease's holder, so that a follower takes over at its next round instead of after the lease
     * duration. Without it the Lease is left as a crashed replica would leave it.
     */
    void close(boolean release) {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!leader) return;
        leader = false;
        callbacks.stoppedLeading();
        if (release) release();
    }

    /** Leave the Lease to the others (from any thread): this replica stops leading at its next round and waits a lease duration. */
    void resign() {
        resign = true;
        thread.interrupt();
    }

    /** Empties the holder of a Lease this replica holds. */
    private void release() {
        try {
            kube.get(path()).ifPresent(lease -> {
                ObjectNode spec = (ObjectNode) lease.get("spec");
                if (spec == null || !identity.equals(spec.path("holderIdentity").asText())) return;
                spec.put("holderIdentity", "").put("leaseDurationSeconds", 1).put("renewTime", MICRO_TIME.format(Instant.now()));
                kube.replace(path(), lease);
                LOG.info("{} released Lease {}/{}", identity, namespace, name);
            });
        } catch (KubeException e) {
            LOG.warn("could not release Lease {}/{} (followers take over after {} s): {}", namespace, name,
                    leaseDuration.toSeconds(), e.getMessage());
        }
    }

    @Override
    public void close() {
        close(true);
    }
}
