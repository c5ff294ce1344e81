using LayeredPrefill.Workloads;

namespace LayeredPrefill.Experiments;

/// <summary>
/// The benchmark client's side of a run, in vLLM's terms: how many prompts were asked for, at what rate and burstiness (or ramp),
/// with how many in flight at most. The workload already holds the drawn arrivals; this says how they were drawn, and
/// <see cref="MaxConcurrency"/> is applied while serving.
/// </summary>
/// <param name="NumPrompts">Requests asked for (--requests), before any the server refused for length.</param>
/// <param name="RequestRate">The constant rate, null when the trace's timestamps were replayed or a ramp set the rate.</param>
/// <param name="ArrivalProcess">poisson, gamma, ramp-up-linear, ramp-up-exponential, trace, or a synthetic workload's name.</param>
public sealed record ClientSpec(int NumPrompts, double? RequestRate, double Burstiness = 1.0, int? MaxConcurrency = null, RampUp? RampUp = null,
    double TimeScale = 1.0, int Seed = 0, string ArrivalProcess = "poisson")
{
    /// <summary>The client of a workload drawn by <paramref name="spec"/>.</summary>
    public static ClientSpec Of(WorkloadSpec spec, int? maxConcurrency = null) =>
        new(spec.Requests, spec.RampUp is null ? spec.RatePerSecond : null, spec.Burstiness, maxConcurrency, spec.RampUp, spec.TimeScale, spec.Seed, spec.ArrivalProcess);
}
