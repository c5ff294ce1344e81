using LayeredPrefill.Sweeps;

namespace LayeredPrefill.Tests.Sweeps;

/// <summary>The capacity search: the highest rate that meets the target, bracketed to the tolerance, from the rates already served.</summary>
public sealed class CapacitySearchTests
{
    // Attainment falls linearly from 100% at 2 req/s to 0 at 6: the 90% knee is at 2.4.
    private static double Falling(double rate) => Math.Clamp(1 - (rate - 2) / 4, 0, 1);

    [Theory]
    [InlineData(new[] { 1.5, 2.5, 3.5 })] // the grid straddles the knee
    [InlineData(new[] { 0.5 })]           // every grid rate meets it: double up
    [InlineData(new[] { 20.0 })]          // none does: halve down
    public void Finds_the_knee_within_the_tolerance(double[] grid)
    {
        int runs = 0;
        var (capacity, miss, probes) = CapacitySearch.Search(0.9, grid.Select(r => new CapacityProbe(r, Falling(r))), r => { runs++; return Falling(r); });
        Assert.NotNull(capacity);
        Assert.NotNull(miss);
        Assert.InRange(capacity!.Value, 2.4 * (1 - CapacitySearch.RelativeTolerance) - CapacitySearch.MinToleranceRps, 2.4);
        Assert.InRange(miss!.Value, 2.4, 2.4 * (1 + CapacitySearch.RelativeTolerance) + CapacitySearch.MinToleranceRps);
        Assert.True(runs <= CapacitySearch.MaxProbes);
        Assert.All(probes.Where(p => p.RatePerSecond <= capacity), p => Assert.True(p.Attainment >= 0.9));
    }

    [Fact]
    public void A_policy_that_never_meets_the_target_has_no_capacity()
    {
        var (capacity, miss, _) = CapacitySearch.Search(0.9, [new CapacityProbe(1, 0.5)], _ => 0.1);
        Assert.Null(capacity);
        Assert.NotNull(miss);
    }
}
