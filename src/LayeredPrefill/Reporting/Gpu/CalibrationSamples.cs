using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Reporting.Gpu;

/// <summary>An iteration plan in a result file: decodes as [request, context tokens], prefills as [request, start, tokens, first layer, end layer, emits 0/1].</summary>
public sealed record PlanSample(int Layers, IReadOnlyList<int[]> Decodes, IReadOnlyList<int[]> Prefills)
{
    /// <summary>The plan's sample form.</summary>
    public static PlanSample Of(IterationPlan plan) => new(plan.ModelLayers,
        plan.Decodes.Select(d => new[] { d.RequestId, d.ContextTokens }).ToArray(),
        plan.Prefills.Select(p => new[] { p.RequestId, p.StartToken, p.TokenCount, p.Layers.Start, p.Layers.End, p.EmitsToken ? 1 : 0 }).ToArray());

    /// <summary>The plan again.</summary>
    public IterationPlan ToPlan(int index = 0) => new(index, Layers,
        Decodes.Select(d => new DecodeEntry(d[0], d[1])).ToArray(),
        Prefills.Select(p => new PrefillEntry(p[0], p[1], p[2], new LayerRange(p[3], p[4]), p[5] != 0)).ToArray(), []);
}

/// <summary>
/// One measured iteration of a calibration scenario on real kernels: medians over repeats of its wall time (what the serving
/// clock charges), the GPU span and the host phases, taken without per-op events; the GPU time of each op (summed over
/// the layers, from runs with per-op events); and the distinct experts the router chose per layer.
/// </summary>
public sealed record IterationSample(string Scenario, int Index, PlanSample Plan, double WallSeconds, double GpuSeconds, double PrepareSeconds,
    double LaunchSeconds, double WaitSeconds, double ReadbackSeconds, IReadOnlyDictionary<string, double> OpSeconds, IReadOnlyList<double> DistinctExperts);

/// <summary>What <c>calibrate</c> measures on a GPU: every iteration of its scenarios, for a fit that needs no GPU.</summary>
public sealed record CalibrationSamples(GpuCard Device, string Model, int Repeats, double ReadBytesPerSecond, IReadOnlyList<IterationSample> Iterations);
