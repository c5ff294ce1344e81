using LayeredPrefill.Metrics;
using System.Diagnostics;
using LayeredPrefill.Kernels.Cuda;
using LayeredPrefill.Reporting.Gpu;

namespace LayeredPrefill.Kernels.Scenarios;

/// <summary>Decode-only steps of batches of running requests at a fixed context: tokens per second against the bytes each step must stream.</summary>
public static class DecodeBench
{
    /// <summary>Times <paramref name="repeats"/> steps of each batch size (after 3 warm-up steps) on one engine.</summary>
    /// <param name="promptTokens">When > 0, also one prompt of this many tokens prefilled under chunked-512 and layered (adaptive groups) beside each batch.</param>
    public static DecodeBenchResult Run(KernelExecutor executor, IReadOnlyList<int> batches, int contextTokens, int repeats, GpuCard card, double? readBytesPerSecond,
        Action<string> log, int promptTokens = 0)
    {
        var model = executor.Engine.Model;
        var decodes = IterationScenarios.PrepareDecodes(executor, batches.Max(), contextTokens, executor.Engine.Options.MaxBatchTokens);
        var cuda = executor.Engine.Backend as CudaBackend;
        var rows = new List<DecodeBenchRow>();
        var prompts = new List<PromptBenchRow>();
        foreach (int b in batches)
        {
            var plan = IterationScenarios.Decode(model.Layers, decodes[..b]);
            for (int i = 0; i < 3; i++) executor.Execute(plan);
            cuda?.ResetOpSeconds();
            var wall = new double[repeats];
            var gpu = new double[repeats];
            var host = new double[repeats];
            double bytes = 0;
            for (int i = 0; i < repeats; i++)
            {
                long start = Stopwatch.GetTimestamp();
                var cost = executor.Execute(plan);
                wall[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                bytes = cost.Traffic.TotalBytes;
                if (cuda?.LastTimes is { } t) { gpu[i] = t.GpuSeconds * 1e3; host[i] = (t.PrepareSeconds + t.LaunchSeconds) * 1e3; }
            }
            double step = LatencySummary.Median(wall);
            double rate = bytes / (step / 1e3);
            var row = new DecodeBenchRow(b, b / (step / 1e3), step, wall.Min(), wall.Max(), cuda is null ? null : LatencySummary.Median(gpu), cuda is null ? null : LatencySummary.Median(host),
                bytes, rate, readBytesPerSecond is double r ? rate / r : null, PerStep(cuda, repeats));
            rows.Add(row);
            log($"decodes {b,4}: {row.TokensPerSecond,9:F1} tok/s, step {step,8:F2} ms ({row.MinMillis:F2}-{row.MaxMillis:F2})" +
                (cuda is null ? "" : $", GPU {row.GpuMillis,7:F2} ms, host {row.HostMillis,6:F2} ms") +
                $", {bytes / 1e9,7:F2} GB/step = {rate / 1e12:F2} TB/s" + (row.FractionOfRead is double f ? $" = {100 * f:F1}% of read" : ""));
            if (row.OpMillis is { } ops) log("    per step: " + Ops(ops));
            if (promptTokens > 0)
                foreach (var (policy, plans) in new[]
                {
                    ("chunked-512", IterationScenarios.Chunked(model.Layers, promptTokens, 512, decodes[..b])),
                    ("layered", IterationScenarios.LayeredAdaptive(model, promptTokens, decodes[..b])),
                })
                {
                    IterationScenarios.RunPrompt(executor, plans);   // warm-up
                    cuda?.ResetOpSeconds();
                    long start = Stopwatch.GetTimestamp();
                    var costs = IterationScenarios.RunPrompt(executor, plans);
                    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    var p = new PromptBenchRow(policy, promptTokens, b, plans.Count, ms, costs.Sum(c => c.Traffic.ExpertWeightBytes) / 1e9, PerStep(cuda, 1));
                    prompts.Add(p);
                    log($"  prompt {promptTokens} {policy,-11} with {b} decodes: {ms,8:F1} ms over {plans.Count} iterations, {p.ExpertGigabytes:F1} GB of experts");
                    if (p.OpMillis is { } po) log("    whole prompt: " + Ops(po));
                }
        }
        return new DecodeBenchResult(card, executor.Engine.BackendName, model.Name, contextTokens, repeats, readBytesPerSecond, rows, prompts);
    }

    private static IReadOnlyDictionary<string, double>? PerStep(CudaBackend? cuda, int steps) =>
        cuda?.OpSeconds is { Count: > 0 } ops ? ops.ToDictionary(kv => kv.Key, kv => kv.Value.Seconds * 1e3 / steps) : null;

    private static string Ops(IReadOnlyDictionary<string, double> ops) =>
        string.Join(", ", ops.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value:F2}"));
}
