namespace LayeredPrefill.Workloads;

/// <summary>How to turn a trace into a workload: how many requests, Poisson at a rate or replayed timestamps, and the length cap.</summary>
/// <param name="RatePerSecond">Poisson arrival rate; null replays the trace's timestamps.</param>
/// <param name="TimeScale">Replayed gaps are divided by this (2 = twice as fast); unused with a rate.</param>
/// <param name="Seed">Seeds the row sampling and the arrival gaps.</param>
/// <param name="MaxModelLengthTokens">Requests whose prompt + output exceed this are dropped, as the paper's server rejected them.</param>
public sealed record WorkloadSpec(int Requests, double? RatePerSecond, double TimeScale = 1.0, int Seed = 0, int MaxModelLengthTokens = int.MaxValue);
