using LayeredPrefill.Experiments;
using LayeredPrefill.Reporting.Reports;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Serving;
using LayeredPrefill.Sweeps;

namespace LayeredPrefill.Plots.Reports;

/// <summary>
/// The per-request figures, from a short rerun of one sweep setting with timelines kept: one request that arrives while a
/// long prompt is prefilling, its tokens over time under each policy, and which layers carried prefill per iteration.
/// </summary>
public static class Showcase
{
    /// <summary>Requests in the rerun: enough for a long prompt to overlap running decodes, few enough to stay fast.</summary>
    public const int Requests = 60;

    /// <summary>Runs the setting (model, trace, rate) under each policy and renders the figures into <paramref name="folder"/>.</summary>
    public static (IReadOnlyList<PlotImage> Images, string Description) Render(SweepDefinition definition, string model, string trace, double rate,
        IReadOnlyList<SchedulingPolicy> policies, string folder, CancellationToken cancel = default)
    {
        var specs = new PointSpecs(definition);
        var runs = policies.Select(p => ExperimentRunner.Run(specs.Spec(new SweepPoint(model, trace, p, rate, Requests, definition.Seed)), null, cancel)).ToArray();
        cancel.ThrowIfCancellationRequested();
        var reference = runs.FirstOrDefault(r => r.Spec.Policy is ChunkedPolicy) ?? runs[0];
        var (victim, longPrompt) = Pick(reference.Run);
        var images = new List<PlotImage>
        {
            TokenTimelinePlot.Render(runs.Select(r => (r.Spec.Policy.Name, r.Run.Requests.First(t => t.RequestId == victim))).ToArray(),
                $"Request {victim}'s tokens over time — {model}, {trace}, {Fmt.Rate(rate)} req/s", folder, "token-timeline"),
        };
        var layers = runs[0].Spec.Model.Layers;
        var shown = runs.Where(r => r.Spec.Policy is not PrefillFirstPolicy).GroupBy(r => r.Spec.Policy.Family).Select(g => g.First())
            .Select(r => (Report: r, Window: Window(r.Run, longPrompt))).ToArray();
        // One x-axis for every policy's plot: the longest window, so equal widths mean equal simulated time.
        double span = shown.Where(s => s.Window.Count > 0).Select(s => (s.Window[^1].StartSeconds + s.Window[^1].DurationSeconds - s.Window[0].StartSeconds) * 1000).DefaultIfEmpty(1).Max();
        foreach (var (r, window) in shown)
            images.Add(IterationTimelinePlot.Render(window, layers,
                $"Prefill layers per iteration, {r.Spec.Policy.Name}: request {longPrompt}", folder, $"iteration-timeline-{r.Spec.Policy.Name}", span, r.Spec.Policy.Family));
        var lp = reference.Run.Requests.First(t => t.RequestId == longPrompt);
        var v = reference.Run.Requests.First(t => t.RequestId == victim);
        string description = $"Rerun of {model} on {trace} at {Fmt.Rate(rate)} req/s with {Requests} requests and timelines kept. " +
            $"Request {victim} ({v.PromptTokens} prompt, {v.OutputTokens} output tokens) arrives at {Fmt.N(v.ArrivalSeconds, "0.00")} s while request {longPrompt} " +
            $"({lp.PromptTokens} prompt tokens, arrived at {Fmt.N(lp.ArrivalSeconds, "0.00")} s) is prefilling.";
        return (images, description);
    }

    /// <summary>A request with at least a few output tokens that arrives while the longest-prompt request is still prefilling, and that long request.</summary>
    public static (int Victim, int LongPrompt) Pick(RunResult run)
    {
        foreach (var lp in run.Requests.Where(r => r.FirstTokenSeconds.HasValue).OrderByDescending(r => r.PromptTokens))
        {
            var victim = run.Requests
                .Where(r => r.RequestId != lp.RequestId && r.OutputTokens >= 16 && r.Completed)
                .Where(r => r.ArrivalSeconds >= lp.ArrivalSeconds && r.ArrivalSeconds < lp.FirstTokenSeconds!.Value)
                .OrderBy(r => r.PromptTokens).FirstOrDefault();
            if (victim is not null) return (victim.RequestId, lp.RequestId);
        }
        var fallback = run.Requests.OrderByDescending(r => r.OutputTokens).First();
        return (fallback.RequestId, run.Requests.OrderByDescending(r => r.PromptTokens).First().RequestId);
    }

    // Iterations from the long prompt's arrival to a little past its first token, at most 120 so the boxes stay visible.
    private static IReadOnlyList<IterationRecord> Window(RunResult run, int longPrompt)
    {
        var lp = run.Requests.First(r => r.RequestId == longPrompt);
        double start = lp.FirstScheduledSeconds ?? lp.ArrivalSeconds;
        double end = lp.FirstTokenSeconds ?? run.EndSeconds;
        var inside = run.Iterations.Where(it => it.StartSeconds + it.DurationSeconds > start - 1e-12).ToArray();
        int count = inside.TakeWhile(it => it.StartSeconds <= end).Count() + 4;
        return inside.Take(Math.Min(count, 120)).ToArray();
    }
}
