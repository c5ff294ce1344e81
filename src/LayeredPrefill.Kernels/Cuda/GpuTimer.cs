using LayeredPrefill.Metrics;
using System.Diagnostics;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>Median and spread of per-call times, in microseconds.</summary>
public sealed record TimingStats(double MedianMicros, double MinMicros, double MaxMicros, int Batches, int RepsPerBatch);

/// <summary>Times queued GPU work with a synchronised stopwatch over many back-to-back calls, after warm-up.</summary>
public static class GpuTimer
{
    /// <summary>Warms up, then times <paramref name="batches"/> batches of calls sized to about <paramref name="batchSeconds"/> each.</summary>
    public static TimingStats Measure(Action queue, Action sync, int batches = 7, double batchSeconds = 0.03)
    {
        for (int i = 0; i < 3; i++) queue();
        sync();
        var sw = Stopwatch.StartNew();
        queue();
        sync();
        double one = Math.Max(1e-6, sw.Elapsed.TotalSeconds);
        int reps = (int)Math.Clamp(batchSeconds / one, 3, 5000);
        var per = new double[batches];
        for (int b = 0; b < batches; b++)
        {
            sw.Restart();
            for (int r = 0; r < reps; r++) queue();
            sync();
            per[b] = sw.Elapsed.TotalSeconds / reps * 1e6;
        }
        return new TimingStats(LatencySummary.Median(per), per.Min(), per.Max(), batches, reps);
    }
}
