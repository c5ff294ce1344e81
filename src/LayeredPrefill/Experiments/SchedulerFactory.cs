using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Experiments;

/// <summary>Builds a scheduler from a <see cref="PolicySpec"/> (the registry of policies by name).</summary>
public static class SchedulerFactory
{
    /// <summary>Creates the scheduler for <paramref name="policy"/> on <paramref name="model"/>.</summary>
    public static SchedulerBase Create(PolicySpec policy, MoeModel model, SchedulerSettings settings) => policy.Kind switch
    {
        PolicyKind.Chunked => new ChunkedPrefillScheduler(model.Layers, settings, policy.ChunkBudgetTokens),
        PolicyKind.Layered => new LayeredPrefillScheduler(model.Layers, settings, policy.LayerGroups,
            ModelCatalog.AdaptiveGroupLadder(model), policy.LayeredBudgetTokens),
        // vLLM v0 batches prompts up to max_num_batched_tokens, which defaults to the max model length.
        PolicyKind.PrefillFirst => new PrefillFirstScheduler(model.Layers, settings, model.MaxModelLengthTokens),
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };
}
