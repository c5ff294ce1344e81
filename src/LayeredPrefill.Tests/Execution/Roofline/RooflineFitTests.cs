using LayeredPrefill.Execution.Roofline;
using Xunit;

namespace LayeredPrefill.Tests.Execution.Roofline;

/// <summary>The grid-search fit of one op class's efficiency to measured samples.</summary>
public class RooflineFitTests
{
    [Fact]
    public void RooflineFitRecoversAKnownEfficiencyAndItsErrorIsSmall()
    {
        var rng = new Random(9);
        var truth = new OpEfficiency(0.31, 0.62, 18e-6);
        double peakF = 989e12, peakB = 4.8e12;
        var samples = Enumerable.Range(0, 40).Select(_ =>
        {
            double flops = Math.Pow(10, 6 + rng.NextDouble() * 7), bytes = Math.Pow(10, 5 + rng.NextDouble() * 5);
            var s = new OpSample(flops, bytes, 0);
            return s with { Seconds = RooflineFit.Predict(truth, s, peakF, peakB) * (1 + 0.01 * (rng.NextDouble() - 0.5)) };
        }).ToList();
        var fit = RooflineFit.Fit(samples, peakF, peakB);
        Assert.True(RooflineFit.Mape(fit, samples, peakF, peakB) < 1.0);
        Assert.InRange(fit.ComputeFraction, 0.28, 0.34);
        Assert.InRange(fit.MemoryFraction, 0.56, 0.68);
        Assert.True(RooflineFit.Mape(new OpEfficiency(0.9, 0.9, 0), samples, peakF, peakB) > 20);
    }
}
