using System.Diagnostics;

namespace LayeredPrefill.Cli.KernelBench;

/// <summary>Timing statistics of repeated runs (seconds).</summary>
/// <remarks>
/// `kernel-bench` prints one table for a person reading this machine's numbers, so a warmed-up median of a few runs is
/// enough; the regression-gated timings of these simd kernels are BenchmarkDotNet's (bench/, suite ExpertFfn, a whole layer).
/// </remarks>
public sealed record Timing(double Median, double Min, double Max)
{
    /// <summary>Runs <paramref name="action"/> once to warm up, then <paramref name="repeats"/> times.</summary>
    public static Timing Measure(Action action, int repeats)
    {
        action();
        var samples = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(samples);
        return new Timing(samples[repeats / 2], samples[0], samples[^1]);
    }
}
