namespace LayeredPrefill.Scheduling;

/// <summary>
/// Orca / vLLM v0 default: whenever waiting requests can be admitted, an iteration prefills their
/// whole prompts through all layers and running decodes stall behind it; otherwise all running
/// requests decode.
/// </summary>
public sealed class PrefillFirstScheduler : SchedulerBase
{
    private readonly int _maxBatchTokens;

    /// <summary>Creates the policy; <paramref name="maxBatchTokens"/> caps the prompt tokens of one prefill iteration (vLLM v0: max model length).</summary>
    public PrefillFirstScheduler(int modelLayers, SchedulerSettings settings, int maxBatchTokens) : base(modelLayers, settings)
    {
        if (maxBatchTokens <= 0) throw new UserInputException($"--prefill-batch-tokens must be > 0 (got {maxBatchTokens})");
        _maxBatchTokens = maxBatchTokens;
    }

    /// <inheritdoc />
    public override string Name => PrefillFirstPolicy.Instance.Name;

    /// <inheritdoc />
    protected override (List<DecodeEntry>, List<PrefillEntry>) BuildIteration()
    {
        var prefills = new List<PrefillEntry>();
        int total = 0;
        var all = LayerRange.All(ModelLayers);
        while (Waiting.First is { } node)
        {
            var seq = node.Value;
            int tokens = seq.RemainingPrefillTokens;
            // The first prompt always goes in, even past the cap, so a long prompt cannot starve.
            if (prefills.Count > 0 && total + tokens > _maxBatchTokens) break;
            if (!TryAdmit(seq, tokens)) break;
            prefills.Add(Slice(seq, tokens, all));
            total += tokens;
        }
        return prefills.Count > 0 ? ([], prefills) : (ScheduleDecodes(), prefills);
    }
}
