using System.Collections.Concurrent;
using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Experiments;
using LayeredPrefill.Metrics;
using LayeredPrefill.Models;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Sweeps;

/// <summary>Resolves sweep points into experiment specs, loading each model, trace and device once.</summary>
public sealed class PointSpecs(SweepDefinition definition)
{
    private readonly ConcurrentDictionary<string, MoeModel> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Trace> _traces = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lazy<DeviceProfile> _device = new(() => DeviceCatalog.Resolve(definition.Device, "device"));

    /// <summary>Resolves every name the definition uses, so a typo fails before any point runs.</summary>
    public void ResolveAll(IEnumerable<SweepPoint> points)
    {
        _ = _device.Value;
        foreach (var p in points) { Model(p.Model); Trace(p.Trace); }
    }

    /// <summary>The model called <paramref name="name"/>.</summary>
    public MoeModel Model(string name) => _models.GetOrAdd(name, n => ModelCatalog.GetOrReadConfig(n, "--models").Validate("--models"));

    /// <summary>The trace called <paramref name="name"/>.</summary>
    public Trace Trace(string name) => _traces.GetOrAdd(name, TraceCatalog.LoadNameOrFile);

    /// <summary>The spec of <paramref name="point"/>: Poisson arrivals over the trace, the paper's SLOs unless overridden.</summary>
    /// <remarks>
    /// Every sampled request arrives; the server refuses those over its max model length (they stay in the point's
    /// request count, as in the paper's benchmark, which sends rate × duration requests).
    /// </remarks>
    public ExperimentSpec Spec(SweepPoint point)
    {
        var model = Model(point.Model);
        var trace = Trace(point.Trace);
        var workload = WorkloadBuilder.Build(trace, new WorkloadSpec(point.Requests, point.RatePerSecond, 1.0, point.Seed)).Workload;
        var slo = Slo.Paper(trace.Name, model, definition.SloTtftMs, definition.SloItlMs) with { RejectedMeetSlo = definition.RejectedMeetSlo };
        return new ExperimentSpec(model, _device.Value, definition.TensorParallel, workload, point.Policy, slo, new RoutingSpec(),
            MaxModelLengthTokens: point.MaxModelLengthTokens ?? model.MaxModelLengthTokens).Validate();
    }
}
