package io.orion.server.internal.gate;

/** A launch let through the gate; {@link #done} is called once it is queued on the device, or failed to be. */
@FunctionalInterface
public interface Admission {
    void done();

    /** Nothing to do after the launch: the gate is off. */
    Admission NONE = () -> {};
}
