package io.orion.api.pool;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A consistent, read-only snapshot of the pool. Policies read it; they never change it.
 * A snapshot stays valid after the pool moves on, so a policy may take its time.
 */
@ProviderType
public interface PoolView {

    /** The nodes, in a stable order (by name). */
    List<NodeView> nodes();

    /** Increases with every change to the pool. */
    long version();

    /** Every GPU of every node. */
    default Stream<GpuView> gpus() {
        return nodes().stream().flatMap(n -> n.gpus().stream());
    }

    /** Every GPU of the nodes that take new vGPUs. */
    default Stream<GpuView> schedulableGpus() {
        return nodes().stream().filter(NodeView::schedulable).flatMap(n -> n.gpus().stream());
    }

    default Optional<NodeView> node(String name) {
        return nodes().stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** A snapshot built from a list of nodes, as tests and tools need. */
    static PoolView of(long version, List<NodeView> nodes) {
        List<NodeView> copy = List.copyOf(nodes);
        return new PoolView() {
            @Override public List<NodeView> nodes() { return copy; }
            @Override public long version() { return version; }
        };
    }
}
