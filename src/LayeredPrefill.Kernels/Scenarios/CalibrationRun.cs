using LayeredPrefill.Metrics;
using System.Diagnostics;
using LayeredPrefill.Kernels.Cuda;
using LayeredPrefill.Reporting.Gpu;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Kernels.Scenarios;

/// <summary>
/// The scenarios a GPU calibration times (decode steps at several batch sizes and contexts, prompt chunks alone and with
/// decodes at several sizes and contexts, whole chunked and layered prefills), each iteration repeated: first with no per-op
/// events (its wall time and host phases as serving sees them), then with them (the time of each op).
/// </summary>
public static class CalibrationRun
{
    /// <summary>Decode requests of the short-context set: ids 0.., 2048 tokens of context.</summary>
    public const int ShortContextTokens = 2048, ShortContextRequests = 128;
    /// <summary>Decode requests of the long-context set: ids from <see cref="LongContextFirstId"/>, 8192 tokens of context.</summary>
    public const int LongContextTokens = 8192, LongContextRequests = 16, LongContextFirstId = 10_000;

    /// <summary>KV blocks the scenarios need.</summary>
    public static int KvBlocks => ShortContextRequests * (ShortContextTokens / IterationBatch.BlockTokens + 2)
        + LongContextRequests * (LongContextTokens / IterationBatch.BlockTokens + 2) + (16384 + 1024) / IterationBatch.BlockTokens + 64;

    /// <summary>Runs every scenario on <paramref name="executor"/> (a CUDA engine of the model, <see cref="KvBlocks"/> blocks).</summary>
    public static CalibrationSamples Run(KernelExecutor executor, CudaBackend cuda, GpuCard card, double readBytesPerSecond, int repeats, Action<string> log)
    {
        int layers = executor.Engine.Model.Layers;
        var all = LayerRange.All(layers);
        var shortSet = IterationScenarios.PrepareDecodes(executor, ShortContextRequests, ShortContextTokens, 8192);
        var longSet = IterationScenarios.PrepareDecodes(executor, LongContextRequests, LongContextTokens, 8192, LongContextFirstId);
        var scenarios = new List<(string Name, IReadOnlyList<IterationPlan> Plans)>();
        foreach (int b in new[] { 1, 2, 4, 8, 16, 32, 64, 128 })
            scenarios.Add(($"decode {b} x {ShortContextTokens}", [IterationScenarios.Decode(layers, shortSet[..b])]));
        foreach (int b in new[] { 1, 4, 16 })
            scenarios.Add(($"decode {b} x {LongContextTokens}", [IterationScenarios.Decode(layers, longSet[..b])]));
        IterationPlan Chunk(int start, int count, IReadOnlyList<DecodeEntry> decodes) =>
            new(0, layers, decodes, [new PrefillEntry(IterationScenarios.PromptRequestId, start, count, all, false)], []);
        foreach (var (start, count) in new[] { (0, 16), (0, 64), (0, 256), (0, 512), (2048, 512), (8192, 512), (16384, 512), (0, 1024), (0, 2048), (0, 4096), (0, 8192) })
            scenarios.Add(($"chunk {count} after {start}", [Chunk(start, count, [])]));
        foreach (var (start, count) in new[] { (0, 512), (8192, 512), (0, 2048) })
            scenarios.Add(($"chunk {count} after {start} with 16 decodes", [Chunk(start, count, shortSet[..16])]));
        foreach (int decodes in new[] { 0, 16 })
            foreach (int prompt in new[] { 2048, 8192 })
                scenarios.Add(($"layered {prompt} with {decodes} decodes", IterationScenarios.LayeredAdaptive(executor.Engine.Model, prompt, shortSet[..decodes])));
        scenarios.Add(("chunked-512 8192 with 16 decodes", IterationScenarios.Chunked(layers, 8192, 512, shortSet[..16])));

        var samples = new List<IterationSample>();
        foreach (var (name, plans) in scenarios)
        {
            bool prompt = plans.Any(p => p.Prefills.Count > 0);
            void Once(Action<int, IterationPlan>? each)
            {
                for (int i = 0; i < plans.Count; i++)
                {
                    executor.Execute(plans[i]);
                    each?.Invoke(i, plans[i]);
                }
                if (prompt) executor.Release(IterationScenarios.PromptRequestId, preempted: false);
            }
            cuda.ProfileOps = false;
            Once(null);   // warm-up
            var wall = Enumerable.Range(0, plans.Count).Select(_ => new List<double>()).ToArray();
            var times = Enumerable.Range(0, plans.Count).Select(_ => new List<CudaIterationTimes>()).ToArray();
            var distinct = new double[plans.Count][];
            for (int r = 0; r < repeats; r++)
            {
                for (int i = 0; i < plans.Count; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    var cost = executor.Execute(plans[i]);
                    wall[i].Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                    times[i].Add(cuda.LastTimes!);
                    distinct[i] = cost.Layers!.Select(l => l.DistinctExperts).ToArray();
                }
                if (prompt) executor.Release(IterationScenarios.PromptRequestId, preempted: false);
            }
            cuda.ProfileOps = true;
            var ops = Enumerable.Range(0, plans.Count).Select(_ => new Dictionary<string, List<double>>()).ToArray();
            for (int r = 0; r < repeats; r++)
                Once((i, _) =>
                {
                    foreach (var (op, (seconds, _)) in cuda.OpSeconds!) (ops[i].TryGetValue(op, out var l) ? l : ops[i][op] = []).Add(seconds);
                    cuda.ResetOpSeconds();
                });
            cuda.ProfileOps = false;
            for (int i = 0; i < plans.Count; i++)
            {
                var t = times[i];
                var sample = new IterationSample(name, i, PlanSample.Of(plans[i]), LatencySummary.Median(wall[i]), LatencySummary.Median(t.Select(x => x.GpuSeconds)),
                    LatencySummary.Median(t.Select(x => x.PrepareSeconds)), LatencySummary.Median(t.Select(x => x.LaunchSeconds)), LatencySummary.Median(t.Select(x => x.WaitSeconds)),
                    LatencySummary.Median(t.Select(x => x.ReadbackSeconds)), ops[i].ToDictionary(kv => kv.Key, kv => LatencySummary.Median(kv.Value)), distinct[i]);
                samples.Add(sample);
            }
            log($"{name,-40} {plans.Count,3} iteration(s): wall {samples[^1].WallSeconds * 1e3,8:F2} ms (last), GPU {samples[^1].GpuSeconds * 1e3,8:F2} ms");
        }
        return new CalibrationSamples(card, executor.Engine.Model.Name, repeats, readBytesPerSecond, samples);
    }
}
