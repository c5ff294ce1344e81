using System.Collections.Concurrent;
using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Experiments;
using LayeredPrefill.IO;
using LayeredPrefill.Metrics;
using LayeredPrefill.Models;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Sweeps;

/// <summary>Resolves sweep points into experiment specs and content identities, loading each model, trace and device once.</summary>
/// <remarks>Names are keys exactly as written (ordinal): T.csv and t.csv are two traces, as they are two files.</remarks>
public sealed class PointSpecs(SweepDefinition definition)
{
    private readonly ConcurrentDictionary<string, MoeModel> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Trace> _traces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _sourceHashes = new(StringComparer.Ordinal);
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
        var draw = new WorkloadSpec(point.Requests, point.RatePerSecond, 1.0, point.Seed);
        var workload = WorkloadBuilder.Build(trace, draw).Workload;
        var slo = Slo.Paper(trace.Name, model, definition.SloTtftMs, definition.SloItlMs) with { RejectedMeetSlo = definition.RejectedMeetSlo };
        return new ExperimentSpec(model, _device.Value, definition.TensorParallel, workload, point.Policy, slo, new RoutingSpec(),
            MaxModelLengthTokens: point.MaxModelLengthTokens ?? model.MaxModelLengthTokens, Client: ClientSpec.Of(draw)).Validate();
    }

    /// <summary>The content identity of <paramref name="point"/> (see <see cref="PointIdentity"/>), built from its resolved spec and its files' bytes.</summary>
    public string Identity(SweepPoint point) =>
        PointIdentity.Of(point, Spec(point), [SourceHash(point.Model, isTrace: false), SourceHash(point.Trace, isTrace: true)]);

    // The bytes of a file a name points to (presets and embedded traces are part of the build: their values are hashed via the spec).
    private string SourceHash(string name, bool isTrace) => _sourceHashes.GetOrAdd((isTrace ? "t:" : "m:") + name, _ =>
    {
        bool builtIn = isTrace ? TraceCatalog.Contains(name) : ModelCatalog.Names.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase);
        if (builtIn || !File.Exists(name.Trim())) return "built-in";
        using var stream = BoundedFile.OpenRead(name.Trim(), isTrace ? ReadLimits.Trace : ReadLimits.ModelConfig);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    });
}
