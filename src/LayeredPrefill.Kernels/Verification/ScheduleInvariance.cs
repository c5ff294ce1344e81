using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Kernels.Verification;

/// <summary>One schedule's outcome: generated tokens per request and every layer's KV cache per request.</summary>
public sealed record ScheduleOutcome(string Schedule, IReadOnlyDictionary<int, int[]> Tokens, IReadOnlyDictionary<(int Request, int Layer), float[]> Kv);

/// <summary>One comparison line of the invariance check.</summary>
public sealed record InvarianceRow(string Schedule, bool TokensEqual, bool KvEqual, double MaxKvDifference);

/// <summary>Runs the same requests under many schedules and compares tokens and KV caches with the first schedule.</summary>
public static class ScheduleInvariance
{
    /// <summary>The standard set: prefill-first, chunked (3, 7, 16), layered (G = 1, 2, 4, all layers), and a preemption with recompute.</summary>
    public static IReadOnlyList<(string Name, IReadOnlyList<IterationPlan> Plans)> StandardSchedules(IReadOnlyList<Request> requests, int layers) =>
        new (string Name, IReadOnlyList<IterationPlan> Plans)[]
    {
        ("prefill-first", HandPlans.PrefillFirst(requests, layers)),
        ("chunked-3", HandPlans.Chunked(requests, layers, 3)),
        ("chunked-7", HandPlans.Chunked(requests, layers, 7)),
        ("chunked-16", HandPlans.Chunked(requests, layers, 16)),
        ("layered-g1", HandPlans.Layered(requests, layers, 1)),
        ("layered-g2", HandPlans.Layered(requests, layers, 2)),
        ("layered-g4", HandPlans.Layered(requests, layers, 4)),
        ($"layered-g{layers}", HandPlans.Layered(requests, layers, layers)),
        ("preempt-recompute", HandPlans.WithPreemption(requests, layers, requests[0].Id, Math.Max(1, requests[0].OutputTokens / 2))),
    }.Where(s => s.Plans.Count > 0 && (layers >= 4 || !s.Name.StartsWith("layered-g4"))).DistinctBy(s => s.Name).ToList();

    /// <summary>Small requests for the check: prompts of uneven lengths so chunks and blocks misalign.</summary>
    public static IReadOnlyList<Request> SmallRequests(Random random, int count = 3) =>
        Enumerable.Range(0, count).Select(i => new Request(i, 0, random.Next(9, 40), random.Next(3, 7))).ToList();

    /// <summary>Runs one schedule on a fresh engine.</summary>
    public static ScheduleOutcome Run(string name, IReadOnlyList<IterationPlan> plans, MoeModel model, EngineOptions options, IReadOnlyList<Request> requests)
    {
        using var engine = new MoeEngine(model, options);
        return Run(name, plans, engine, requests);
    }

    /// <summary>Runs one schedule on an engine, then releases its requests so the engine can run the next schedule
    /// (device backends compile their kernels once per engine, which is slow on the ILGPU CPU accelerator).</summary>
    public static ScheduleOutcome Run(string name, IReadOnlyList<IterationPlan> plans, MoeEngine engine, IReadOnlyList<Request> requests)
    {
        var model = engine.Model;
        foreach (var plan in plans) engine.Execute(plan);
        var tokens = requests.ToDictionary(r => r.Id, r => engine.GeneratedTokens(r.Id).ToArray());
        var kv = new Dictionary<(int, int), float[]>();
        foreach (var r in requests)
            for (int l = 0; l < model.Layers; l++)
                kv[(r.Id, l)] = engine.ReadKv(r.Id, l, r.PromptTokens + r.OutputTokens - 1);
        foreach (var r in requests) engine.Release(r.Id, preempted: false);
        return new ScheduleOutcome(name, tokens, kv);
    }

    /// <summary>Runs all schedules and compares each with the first; equal means bit-identical.</summary>
    public static IReadOnlyList<InvarianceRow> Check(MoeModel model, EngineOptions options, IReadOnlyList<Request> requests)
    {
        using var engine = new MoeEngine(model, options);
        return Check(engine, requests, StandardSchedules(requests, model.Layers));
    }

    /// <summary>Runs the given schedules on one engine and compares each with the first.</summary>
    public static IReadOnlyList<InvarianceRow> Check(MoeEngine engine, IReadOnlyList<Request> requests, IReadOnlyList<(string Name, IReadOnlyList<IterationPlan> Plans)> schedules)
    {
        var outcomes = schedules.Select(s => Run(s.Name, s.Plans, engine, requests)).ToList();
        var baseline = outcomes[0];
        return outcomes.Select(o => Compare(baseline, o)).ToList();
    }

    /// <summary>Compares one outcome with a baseline.</summary>
    public static InvarianceRow Compare(ScheduleOutcome baseline, ScheduleOutcome other)
    {
        bool tokens = baseline.Tokens.All(kv => other.Tokens[kv.Key].SequenceEqual(kv.Value));
        double maxDiff = 0;
        bool kvEqual = true;
        foreach (var (key, a) in baseline.Kv)
        {
            var b = other.Kv[key];
            for (int i = 0; i < a.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i])) kvEqual = false;
                maxDiff = Math.Max(maxDiff, Math.Abs((double)a[i] - b[i]));
            }
        }
        return new InvarianceRow(other.Schedule, tokens, kvEqual, maxDiff);
    }
}
