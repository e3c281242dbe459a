package io.orion.portal.internal;

import java.util.List;

/**
 * The JSON answer of {@code GET /api/v1/portal/history}: per GPU and per vGPU, the samples of the
 * window in columns (one array per quantity, {@code t} holding each sample's time), which is about
 * a third of the size of one object per sample and is what a chart draws from. A quantity the
 * server could not read is -1 (as in the pool API); a rate with no earlier sample to compare
 * with is -1 too.
 *
 * @param now              the controller's clock, epoch milliseconds: the right edge of the graphs
 * @param windowSeconds    the window asked for
 * @param sampleMillis     how often the sampler looks at heartbeats
 * @param historySeconds   the longest window kept
 * @param heartbeatMillis  how often servers report; a gap of a few of these in {@code t} means no report came
 * @param gpus             per GPU, in pool order
 * @param vgpus            per vGPU
 */
public record History(long now, int windowSeconds, int sampleMillis, int historySeconds, long heartbeatMillis,
                      List<Gpu> gpus, List<Vgpu> vgpus) {

    /** One GPU's samples; times are the heartbeats that carried them (epoch ms). */
    public record Gpu(String uuid, String node, long[] t, float[] utilPercent, float[] memoryUtilPercent,
                      float[] memoryUsedMiB, float[] temperatureC, float[] powerWatts) {}

    /** One vGPU's samples; the rates are per second between two heartbeats. */
    public record Vgpu(String id, String node, String gpu, long[] t, float[] sharePercent, float[] memoryUsedMiB,
                       float[] launchesPerSecond, float[] bytesPerSecond, float[] heldBackMillisPerSecond) {}
}
