package io.orion.api.pool;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/** A policy's answer: either where each vGPU goes, or why none fits. */
public sealed interface Placement {

    /** Every vGPU of the request has a slot, one per distinct GPU, in request order. */
    record Placed(List<Slot> slots) implements Placement {
        public Placed {
            slots = List.copyOf(slots);
            if (slots.isEmpty()) throw new IllegalArgumentException("a placement needs at least one slot");
            if (new HashSet<>(slots.stream().map(Slot::gpuUuid).toList()).size() != slots.size())
                throw new IllegalArgumentException("a placement puts two vGPUs of one request on one GPU: " + slots);
        }
    }

    /** The request does not fit; {@code detail} says what was found. */
    record NoFit(NoFitReason reason, String detail) implements Placement {
        public NoFit {
            Objects.requireNonNull(reason, "reason");
            detail = Objects.requireNonNullElse(detail, "");
        }

        /** The whole message, e.g. for "Fail to get resource from controller: …". */
        public String message() {
            return detail.isEmpty() ? reason.text() : reason.text() + " (" + detail + ")";
        }
    }

    static Placed placed(List<Slot> slots) { return new Placed(slots); }

    static NoFit noFit(NoFitReason reason, String detail) { return new NoFit(reason, detail); }
}
