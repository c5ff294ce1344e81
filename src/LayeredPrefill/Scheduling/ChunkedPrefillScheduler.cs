namespace LayeredPrefill.Scheduling;

/// <summary>
/// Sarathi-Serve / vLLM chunked prefill: every running decode first (one token each), then the
/// rest of the token budget to prefill chunks — continuing partial prefills first, then new
/// requests — each cut to min(remaining prompt, budget left). Every chunk runs through all layers.
/// </summary>
/// <remarks>
/// Decodes are never dropped to respect the budget (stall-free); with more running decodes than
/// budget, no prefill runs that iteration.
/// </remarks>
public sealed class ChunkedPrefillScheduler : SchedulerBase
{
    private readonly ChunkedPolicy _policy;
    private readonly int _budgetTokens;

    /// <summary>Creates the scheduler with a per-iteration token budget, checked by <see cref="ChunkedPolicy"/>'s rules.</summary>
    public ChunkedPrefillScheduler(int modelLayers, SchedulerSettings settings, int chunkBudgetTokens = ChunkedPolicy.DefaultBudgetTokens) : base(modelLayers, settings)
    {
        _policy = new ChunkedPolicy(chunkBudgetTokens);
        _budgetTokens = _policy.BudgetTokens;
    }

    /// <inheritdoc />
    public override string Name => _policy.Name;

    /// <inheritdoc />
    protected override (List<DecodeEntry>, List<PrefillEntry>) BuildIteration()
    {
        var decodes = ScheduleDecodes();
        var prefills = new List<PrefillEntry>();
        int budget = _budgetTokens - decodes.Count;
        var all = LayerRange.All(ModelLayers);

        foreach (var seq in Running)
        {
            if (budget <= 0) break;
            if (seq.Phase != SequencePhase.Prefilling) continue;
            int chunk = Math.Min(seq.RemainingPrefillTokens, budget);
            if (!Kv.TryHold(seq.Id, seq.ComputedTokens + chunk)) break;
            prefills.Add(Slice(seq, chunk, all));
            budget -= chunk;
        }
        while (budget > 0 && Waiting.First is { } node)
        {
            var seq = node.Value;
            int chunk = Math.Min(seq.RemainingPrefillTokens, budget);
            if (!TryAdmit(seq, chunk)) break;
            prefills.Add(Slice(seq, chunk, all));
            budget -= chunk;
        }
        return (decodes, prefills);
    }
}
