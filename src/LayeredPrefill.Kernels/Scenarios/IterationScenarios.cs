using LayeredPrefill.Execution;
using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Kernels.Scenarios;

/// <summary>
/// Engine states and plan sequences for timing iterations on real kernels: a batch of running decodes with a fixed
/// context, and one prompt prefilled under chunked (all layers, chunks of a budget) or layered (the whole prompt through
/// each layer group of <see cref="LayerGroups"/>) while those decodes run. The decodes keep their context length from
/// iteration to iteration (each step rewrites the same position), so a plan can be timed again and again.
/// </summary>
public static class IterationScenarios
{
    /// <summary>Request ids of scenario prompts start here, above any decode id.</summary>
    public const int PromptRequestId = 1_000_000;

    /// <summary>Prefills <paramref name="count"/> requests of <paramref name="contextTokens"/> tokens (ids from <paramref name="firstId"/>), in batches of at most
    /// <paramref name="maxBatchTokens"/>, and returns the decode entries that continue them.</summary>
    public static DecodeEntry[] PrepareDecodes(KernelExecutor executor, int count, int contextTokens, int maxBatchTokens, int firstId = 0)
    {
        int layers = executor.Engine.Model.Layers, perBatch = Math.Max(1, maxBatchTokens / Math.Max(1, contextTokens));
        var all = LayerRange.All(layers);
        for (int first = 0, index = 0; first < count; first += perBatch, index++)
        {
            var prefills = Enumerable.Range(firstId + first, Math.Min(perBatch, count - first)).Select(r => new PrefillEntry(r, 0, contextTokens, all, true)).ToArray();
            executor.Execute(new IterationPlan(index, layers, [], prefills, []));
        }
        return Enumerable.Range(firstId, count).Select(r => new DecodeEntry(r, contextTokens)).ToArray();
    }

    /// <summary>One decode step of <paramref name="decodes"/>.</summary>
    public static IterationPlan Decode(int layers, IReadOnlyList<DecodeEntry> decodes) => new(0, layers, decodes, [], []);

    /// <summary>Chunked prefill of one prompt: chunks of <paramref name="budgetTokens"/> through all layers, the last emits; the decodes join every iteration.</summary>
    public static IReadOnlyList<IterationPlan> Chunked(int layers, int promptTokens, int budgetTokens, IReadOnlyList<DecodeEntry> decodes)
    {
        var plans = new List<IterationPlan>();
        for (int start = 0; start < promptTokens; start += budgetTokens)
        {
            int n = Math.Min(budgetTokens, promptTokens - start);
            plans.Add(new IterationPlan(plans.Count, layers, decodes,
                [new PrefillEntry(PromptRequestId, start, n, LayerRange.All(layers), start + n == promptTokens)], []));
        }
        return plans;
    }

    /// <summary>Layered prefill of one prompt: the whole prompt through each of <paramref name="groups"/> layer groups, the last emits.</summary>
    public static IReadOnlyList<IterationPlan> Layered(int layers, int promptTokens, int groups, IReadOnlyList<DecodeEntry> decodes)
    {
        var ranges = LayerGroups.Split(layers, groups);
        return ranges.Select((range, g) => new IterationPlan(g, layers, decodes,
            [new PrefillEntry(PromptRequestId, 0, promptTokens, range, g == ranges.Length - 1)], [])).ToList();
    }

    /// <summary>Layered prefill of one prompt in as many groups as the layered scheduler picks for it (the model's adaptive ladder).</summary>
    public static IReadOnlyList<IterationPlan> LayeredAdaptive(MoeModel model, int promptTokens, IReadOnlyList<DecodeEntry> decodes) =>
        Layered(model.Layers, promptTokens, LayerGroups.Adaptive(ModelCatalog.AdaptiveGroupLadder(model), promptTokens, model.Layers), decodes);

    /// <summary>Runs a prompt's plans, then releases the prompt so that the same plans can run again; the costs in order.</summary>
    public static IReadOnlyList<IterationCost> RunPrompt(KernelExecutor executor, IReadOnlyList<IterationPlan> plans)
    {
        var costs = plans.Select(executor.Execute).ToList();
        executor.Release(PromptRequestId, preempted: false);
        return costs;
    }
}
