namespace LayeredPrefill.Execution.Roofline;

/// <summary>One measured op: its work and its time.</summary>
public sealed record OpSample(double Flops, double Bytes, double Seconds);

/// <summary>
/// Fits an <see cref="OpEfficiency"/> to measurements under the roofline model the simulator uses:
/// t = overhead + max(flops / (peakFlops · compute), bytes / (peakBandwidth · memory)).
/// A coarse-to-fine grid search minimises the mean absolute percentage error.
/// </summary>
public static class RooflineFit
{
    /// <summary>Predicted seconds of <paramref name="s"/> under <paramref name="e"/>.</summary>
    public static double Predict(OpEfficiency e, OpSample s, double peakFlops, double peakBandwidth) =>
        e.LaunchOverheadSeconds + Math.Max(s.Flops / (peakFlops * e.ComputeFraction), s.Bytes / (peakBandwidth * e.MemoryFraction));

    /// <summary>Mean absolute percentage error of <paramref name="e"/> over <paramref name="samples"/>, in percent.</summary>
    public static double Mape(OpEfficiency e, IReadOnlyList<OpSample> samples, double peakFlops, double peakBandwidth) =>
        100 * samples.Average(s => Math.Abs(Predict(e, s, peakFlops, peakBandwidth) - s.Seconds) / s.Seconds);

    /// <summary>The efficiency with the least MAPE over <paramref name="samples"/> (fractions in (0, 1.2], overhead in [0, 200 µs]).</summary>
    public static OpEfficiency Fit(IReadOnlyList<OpSample> samples, double peakFlops, double peakBandwidth)
    {
        if (samples.Count == 0) throw new ArgumentException("no samples to fit", nameof(samples));
        double bestErr = double.MaxValue;
        var best = new OpEfficiency(0.5, 0.5, 0);
        double cLo = 0.005, cHi = 1.2, mLo = 0.005, mHi = 1.2, oLo = 0, oHi = 200e-6;
        for (int round = 0; round < 5; round++)
        {
            const int n = 16;
            for (int i = 0; i <= n; i++)
            for (int j = 0; j <= n; j++)
            for (int k = 0; k <= n; k++)
            {
                var e = new OpEfficiency(cLo + (cHi - cLo) * i / n, mLo + (mHi - mLo) * j / n, oLo + (oHi - oLo) * k / n);
                double err = Mape(e, samples, peakFlops, peakBandwidth);
                if (err < bestErr) { bestErr = err; best = e; }
            }
            // Zoom in around the best point.
            double dc = (cHi - cLo) / 8, dm = (mHi - mLo) / 8, dov = (oHi - oLo) / 8;
            (cLo, cHi) = (Math.Max(1e-4, best.ComputeFraction - dc), best.ComputeFraction + dc);
            (mLo, mHi) = (Math.Max(1e-4, best.MemoryFraction - dm), best.MemoryFraction + dm);
            (oLo, oHi) = (Math.Max(0, best.LaunchOverheadSeconds - dov), best.LaunchOverheadSeconds + dov);
        }
        return best;
    }
}
