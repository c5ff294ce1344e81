namespace LayeredPrefill.Scheduling;

/// <summary>
/// Layered prefill (arXiv 2510.08055): decodes run through all layers every iteration; the
/// admitted prefill batch runs through one layer group per iteration and emits its first tokens
/// after G iterations, so each expert is loaded once per layer per batch, not once per chunk.
/// </summary>
/// <remarks>
/// A batch is admitted only when no earlier batch is in flight: continuing partial prompts first,
/// then waiting requests in order, each cut to what is left of the policy's token budget, until the
/// budget or the sequence cap is reached, as the authors' engine schedules it (scheduler.py,
/// layered_prefill_schedule): a prompt longer than the budget, or one that only partly fits, runs
/// its first piece now and the rest in later batches, each piece layered. Decode tokens are not
/// charged against the budget.
/// </remarks>
public sealed class LayeredPrefillScheduler : SchedulerBase
{
    private readonly LayeredPolicy _policy;
    private readonly int _budgetTokens;
    private readonly int? _fixedGroups;
    private readonly IReadOnlyList<int> _adaptiveLadder;
    private readonly List<(SequenceState Seq, int Tokens)> _batch = [];
    private LayerRange[] _groups = [];
    private int _nextGroup;

    /// <summary>
    /// Creates the scheduler with a fixed group count, or null for <paramref name="adaptiveLadder"/>, checked by
    /// <see cref="LayeredPolicy"/>'s and <see cref="LayerGroups"/>' rules.
    /// </summary>
    public LayeredPrefillScheduler(int modelLayers, SchedulerSettings settings, int? fixedGroups, IReadOnlyList<int> adaptiveLadder, int budgetTokens = LayeredPolicy.DefaultBudgetTokens)
        : base(modelLayers, settings)
    {
        _policy = new LayeredPolicy(fixedGroups, budgetTokens);
        if (fixedGroups is { } g) LayerGroups.Validate(g, modelLayers);
        _ = LayerGroups.Adaptive(adaptiveLadder, 1, modelLayers); // validates the ladder's shape early
        _budgetTokens = _policy.BudgetTokens;
        _fixedGroups = fixedGroups;
        _adaptiveLadder = adaptiveLadder;
    }

    /// <inheritdoc />
    public override string Name => _policy.Name;

    /// <summary>Layer groups of the batch in flight (empty when none).</summary>
    public IReadOnlyList<LayerRange> CurrentGroups => _groups;

    /// <inheritdoc />
    protected override (List<DecodeEntry>, List<PrefillEntry>) BuildIteration()
    {
        var decodes = ScheduleDecodes();
        if (_batch.Count == 0) AdmitBatch();
        var prefills = new List<PrefillEntry>(_batch.Count);
        if (_batch.Count > 0)
        {
            var layers = _groups[_nextGroup];
            foreach (var (seq, tokens) in _batch) prefills.Add(Slice(seq, tokens, layers));
        }
        return (decodes, prefills);
    }

    private void AdmitBatch()
    {
        int total = 0;
        foreach (var seq in Running)
        {
            if (total >= _budgetTokens) break;
            if (seq.Phase != SequencePhase.Prefilling) continue;
            int piece = Math.Min(seq.RemainingPrefillTokens, _budgetTokens - total);
            if (!Kv.TryHold(seq.Id, seq.ComputedTokens + piece)) break;
            _batch.Add((seq, piece));
            total += piece;
        }
        while (total < _budgetTokens && Waiting.First is { } node)
        {
            var seq = node.Value;
            int piece = Math.Min(seq.RemainingPrefillTokens, _budgetTokens - total);
            if (!TryAdmit(seq, piece)) break;
            _batch.Add((seq, piece));
            total += piece;
        }
        if (_batch.Count == 0) return;
        int groups = _fixedGroups ?? LayerGroups.Adaptive(_adaptiveLadder, total, ModelLayers);
        _groups = LayerGroups.Split(ModelLayers, groups);
        _nextGroup = 0;
    }

    /// <inheritdoc />
    protected override void OnPreempted(SequenceState victim)
    {
        _batch.RemoveAll(m => m.Seq == victim);
        if (_batch.Count == 0) _groups = [];
    }

    /// <inheritdoc />
    protected override void AfterComplete(IterationPlan plan)
    {
        if (_batch.Count == 0 || plan.Prefills.Count == 0) return;
        if (++_nextGroup < _groups.Length) return;
        _batch.Clear();
        _groups = [];
    }
}
