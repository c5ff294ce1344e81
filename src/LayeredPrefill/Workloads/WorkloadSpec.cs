namespace LayeredPrefill.Workloads;

/// <summary>How to turn a trace into a workload: how many requests, Poisson at a rate or replayed timestamps, and the length cap.</summary>
/// <param name="RatePerSecond">Poisson arrival rate; null replays the trace's timestamps.</param>
/// <param name="TimeScale">Replayed gaps are divided by this (2 = twice as fast); unused with a rate.</param>
/// <param name="Seed">Seeds the row sampling and the arrival gaps.</param>
/// <param name="MaxModelLengthTokens">Requests whose prompt + output exceed this are dropped, as the paper's server rejected them.</param>
/// <param name="Burstiness">Shape of the gamma law of the arrival gaps (vLLM's --burstiness): 1 is Poisson, below 1 burstier, above 1 more even.</param>
/// <param name="RampUp">A rate that changes over the requests instead of <paramref name="RatePerSecond"/>.</param>
public sealed record WorkloadSpec(int Requests, double? RatePerSecond, double TimeScale = 1.0, int Seed = 0, int MaxModelLengthTokens = int.MaxValue,
    double Burstiness = 1.0, RampUp? RampUp = null)
{
    /// <summary>True when arrivals are drawn (Poisson, gamma or a ramp) rather than replayed from the trace's timestamps.</summary>
    public bool DrawsArrivals => RatePerSecond is not null || RampUp is not null;

    /// <summary>The arrival process as the result file names it: poisson, gamma, ramp-up-linear, ramp-up-exponential or trace.</summary>
    public string ArrivalProcess => RampUp is { } ramp ? $"ramp-up-{ramp.StrategyName}" : RatePerSecond is null ? "trace" : Burstiness == 1.0 ? "poisson" : "gamma";
}
