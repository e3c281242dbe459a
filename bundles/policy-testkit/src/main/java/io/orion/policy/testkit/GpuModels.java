package io.orion.policy.testkit;

import io.orion.api.pool.GpuSpec;

/** Real GPU models, with the memory and SM counts their drivers report. */
public final class GpuModels {
    private GpuModels() {}

    public static GpuSpec h200(String uuid) { return new GpuSpec(uuid, "NVIDIA H200", 143771, 132, 9, 0, 16); }

    public static GpuSpec h100(String uuid) { return new GpuSpec(uuid, "NVIDIA H100 80GB HBM3", 81559, 132, 9, 0, 16); }

    public static GpuSpec a100_40g(String uuid) { return new GpuSpec(uuid, "NVIDIA A100-SXM4-40GB", 40960, 108, 8, 0, 16); }

    public static GpuSpec l4(String uuid) { return new GpuSpec(uuid, "NVIDIA L4", 23034, 58, 8, 9, 8); }

    public static GpuSpec t4(String uuid) { return new GpuSpec(uuid, "Tesla T4", 15360, 40, 7, 5, 8); }

    /** A GPU of a named model: {@code h200}, {@code h100}, {@code a100}, {@code l4} or {@code t4}. */
    public static GpuSpec byName(String model, String uuid) {
        return switch (model) {
            case "h200" -> h200(uuid);
            case "h100" -> h100(uuid);
            case "a100" -> a100_40g(uuid);
            case "l4" -> l4(uuid);
            case "t4" -> t4(uuid);
            default -> throw new IllegalArgumentException("unknown GPU model '" + model + "'; known: h200, h100, a100, l4, t4");
        };
    }
}
