using LayeredPrefill.Scheduling;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Kernels.Verification;

/// <summary>
/// Small hand-built plan sequences (chunked, layered, prefill-first) for checking that the schedule never changes the math.
/// All requests arrive at once; one prompt is prefilled at a time while the others decode.
/// </summary>
public static class HandPlans
{
    /// <summary>Chunked prefill: all layers, prompt chunks of at most <paramref name="budget"/> tokens.</summary>
    public static IReadOnlyList<IterationPlan> Chunked(IReadOnlyList<Request> requests, int layers, int budget) =>
        Build(requests, layers, (prompt, _) => Chunks(prompt, budget).Select(c => (c.Start, c.Count, LayerRange.All(layers))).ToList());

    /// <summary>Layered prefill: the whole prompt through <paramref name="groups"/> contiguous layer groups, one per iteration.</summary>
    public static IReadOnlyList<IterationPlan> Layered(IReadOnlyList<Request> requests, int layers, int groups) =>
        Build(requests, layers, (prompt, _) => LayerGroups.Split(layers, groups).Select(range => (0, prompt, range)).ToList());

    /// <summary>Prefill-first: the whole prompt through all layers in one iteration.</summary>
    public static IReadOnlyList<IterationPlan> PrefillFirst(IReadOnlyList<Request> requests, int layers) =>
        Build(requests, layers, (prompt, _) => [(0, prompt, LayerRange.All(layers))]);

    /// <summary>Prefill-first, but request <paramref name="victim"/> is preempted after <paramref name="afterTokens"/> outputs and recomputed (prompt + generated tokens in one emitting slice).</summary>
    public static IReadOnlyList<IterationPlan> WithPreemption(IReadOnlyList<Request> requests, int layers, int victim, int afterTokens)
    {
        var plans = new List<IterationPlan>();
        var generated = requests.ToDictionary(r => r.Id, _ => 0);
        bool preempted = false;
        foreach (var r in requests)
        {
            plans.Add(Plan(plans.Count, layers, Decodes(requests, generated, r.Id), [new PrefillEntry(r.Id, 0, r.PromptTokens, LayerRange.All(layers), true)], []));
            Advance(requests, generated, r.Id);
        }
        while (requests.Any(r => generated[r.Id] < r.OutputTokens))
        {
            var v = requests.First(r => r.Id == victim);
            if (!preempted && generated[victim] == afterTokens && afterTokens < v.OutputTokens)
            {
                preempted = true;
                var others = Decodes(requests, generated, -1).Where(d => d.RequestId != victim).ToList();
                int context = v.PromptTokens + generated[victim];
                plans.Add(Plan(plans.Count, layers, others, [new PrefillEntry(victim, 0, context, LayerRange.All(layers), true)], [victim]));
                foreach (var d in others) generated[d.RequestId]++;
                generated[victim]++;
                continue;
            }
            plans.Add(Plan(plans.Count, layers, Decodes(requests, generated, -1), [], []));
            Advance(requests, generated, -1);
        }
        return plans;
    }

    private static IReadOnlyList<IterationPlan> Build(IReadOnlyList<Request> requests, int layers,
        Func<int, int, List<(int Start, int Count, LayerRange Layers)>> slices)
    {
        var plans = new List<IterationPlan>();
        var generated = requests.ToDictionary(r => r.Id, _ => 0);
        foreach (var r in requests)
        {
            var parts = slices(r.PromptTokens, layers);
            for (int i = 0; i < parts.Count; i++)
            {
                var (start, count, range) = parts[i];
                bool emits = i == parts.Count - 1;
                plans.Add(Plan(plans.Count, layers, Decodes(requests, generated, r.Id), [new PrefillEntry(r.Id, start, count, range, emits)], []));
                Advance(requests, generated, emits ? r.Id : -2);
            }
        }
        while (requests.Any(r => generated[r.Id] < r.OutputTokens))
        {
            plans.Add(Plan(plans.Count, layers, Decodes(requests, generated, -1), [], []));
            Advance(requests, generated, -1);
        }
        return plans;
    }

    private static IterationPlan Plan(int index, int layers, List<DecodeEntry> decodes, List<PrefillEntry> prefills, List<int> preempted) =>
        new(index, layers, decodes, prefills, preempted);

    // Requests that already emitted and still owe tokens decode; the one being prefilled does not.
    private static List<DecodeEntry> Decodes(IReadOnlyList<Request> requests, Dictionary<int, int> generated, int prefilling) =>
        requests.Where(r => r.Id != prefilling && generated[r.Id] > 0 && generated[r.Id] < r.OutputTokens)
            .Select(r => new DecodeEntry(r.Id, r.PromptTokens + generated[r.Id] - 1)).ToList();

    private static void Advance(IReadOnlyList<Request> requests, Dictionary<int, int> generated, int prefilled)
    {
        foreach (var r in requests)
            if ((r.Id != prefilled && generated[r.Id] > 0 && generated[r.Id] < r.OutputTokens) || r.Id == prefilled)
                generated[r.Id]++;
    }

    private static IEnumerable<(int Start, int Count)> Chunks(int prompt, int budget)
    {
        for (int s = 0; s < prompt; s += budget) yield return (s, Math.Min(budget, prompt - s));
    }
}
