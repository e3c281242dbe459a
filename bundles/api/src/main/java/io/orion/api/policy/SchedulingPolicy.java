package io.orion.api.policy;

import io.orion.api.pool.Placement;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.VgpuRequest;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides where the vGPUs of a request go.
 *
 * <p>Contract:
 * <ul>
 * <li>Stateless per call: everything the decision needs is in the arguments. The controller may
 *     call it from many threads at once and may swap it between two calls.</li>
 * <li>Only GPUs of schedulable nodes ({@link io.orion.api.pool.NodeView#schedulable()}) may be
 *     chosen; each vGPU of one request on a distinct GPU; all on one node unless
 *     {@link VgpuRequest#crossNode()}; only on {@link VgpuRequest#node()} when it is set.</li>
 * <li>When nothing fits, answer {@link Placement.NoFit} with the reason;
 *     {@link NoFitDiagnosis#explain} finds the right one.</li>
 * </ul>
 * The controller checks every answer against the pool before it commits it; an answer that
 * breaks the contract is refused and logged, never applied.
 */
@ConsumerType
public interface SchedulingPolicy {

    /** Service property naming the policy, e.g. {@code binpack}. */
    String NAME_PROPERTY = "orion.policy";

    /** The policy's name; equals its {@value #NAME_PROPERTY} service property. */
    String name();

    /** One line for operators: what the policy optimises. */
    default String description() { return ""; }

    /** Where the request's vGPUs go in this pool, or why they cannot. */
    Placement place(VgpuRequest request, PoolView pool);
}
