using Perfolizer.Horology;
using Perfolizer.Mathematics.Common;
using Perfolizer.Mathematics.SignificanceTesting;
using Perfolizer.Mathematics.SignificanceTesting.MannWhitney;
using Perfolizer.Metrology;
using Pragmastat;
using Pragmastat.Metrology;

namespace LayeredPrefill.ResultsComparer;

/// <summary>
/// The timing half of the gate: Perfolizer's Mann–Whitney equivalence test (two one-sided tests
/// against the baseline shifted by ± the threshold), then an absolute noise floor on the medians.
/// </summary>
public static class TimingTest
{
    /// <summary>Compares this run's per-operation times with the baseline's.</summary>
    public static Verdict Compare(IReadOnlyList<double> baselineNs, IReadOnlyList<double> nowNs, GateOptions options)
    {
        if (baselineNs.Count < options.MinimumSamples || nowNs.Count < options.MinimumSamples) return Verdict.TooFewSamples;
        var baseline = new Sample(baselineNs.ToArray(), TimeUnit.Nanosecond);
        var now = new Sample(nowNs.ToArray(), TimeUnit.Nanosecond);
        var threshold = new Threshold(new Measurement(options.TimingThresholdPercent, PercentUnit.Instance));
        var result = new SimpleEquivalenceTest(MannWhitneyTest.Instance)
            .Perform(baseline, now, threshold, new SignificanceLevel(options.SignificanceLevel));
        bool aboveFloor = Math.Abs(Median(nowNs) - Median(baselineNs)) >= options.NoiseFloorMicroseconds * 1000;
        return result switch
        {
            // Perform(x, y) answers how x compares with y: "Lesser" = the baseline was faster = now is slower.
            ComparisonResult.Lesser when !aboveFloor => Verdict.UnderNoiseFloor,
            ComparisonResult.Lesser => options.GateTimings ? Verdict.Slower : Verdict.SlowerNotGated,
            ComparisonResult.Greater when aboveFloor => Verdict.Faster,
            _ => Verdict.Same,
        };
    }

    /// <summary>Median (mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
