using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Experiments;
using LayeredPrefill.Metrics;
using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Benchmarks.Suites;

/// <summary>
/// Builds the experiment a serving benchmark runs, with the CLI's defaults (H100 SXM, TP 2, Poisson
/// 1.5 req/s, seed 0, uniform routing, the paper's SLOs), so a row can be reproduced with
/// <c>layered-prefill run --model M --trace T --requests N --policies P</c>.
/// </summary>
public static class ServingScenario
{
    /// <summary>Poisson arrival rate of the CLI's default workload.</summary>
    public const double RatePerSecond = 1.5;

    /// <summary>The resolved spec for one model, embedded trace, policy and request count.</summary>
    public static ExperimentSpec Spec(string modelName, string traceName, string policyName, int requests, int seed = 0)
    {
        var model = ModelCatalog.Get(modelName);
        var trace = TraceCatalog.Load(traceName);
        var workload = WorkloadBuilder.Build(trace, new WorkloadSpec(requests, RatePerSecond, 1.0, seed, model.MaxModelLengthTokens)).Workload;
        return new ExperimentSpec(model, DeviceCatalog.Get("h100-sxm"), 2, workload, PolicyRegistry.Parse(policyName),
            Slo.Paper(trace.Name, model, null, null), new RoutingSpec()).Validate();
    }
}
