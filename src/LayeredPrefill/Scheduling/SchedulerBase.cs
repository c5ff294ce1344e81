using LayeredPrefill.Workloads;

namespace LayeredPrefill.Scheduling;

/// <summary>
/// What every policy shares: the waiting queue, the running list in admission order, the paged
/// KV cache, decode scheduling with recompute preemption, and completion bookkeeping.
/// A policy only decides which prefill work runs and whether decodes run alongside it.
/// </summary>
public abstract class SchedulerBase : IScheduler
{
    private readonly Dictionary<int, SequenceState> _sequences = [];
    private readonly List<int> _preempted = [];
    private int _nextIteration;

    /// <summary>Creates the shared state.</summary>
    protected SchedulerBase(int modelLayers, SchedulerSettings settings)
    {
        if (modelLayers <= 0) throw new UserInputException($"model layers must be > 0 (got {modelLayers})");
        ModelLayers = modelLayers;
        Settings = settings.Validate();
        Kv = new KvCache(settings.KvBlocks, settings.KvBlockTokens);
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <summary>Layers of the model.</summary>
    protected int ModelLayers { get; }

    /// <summary>Shared limits.</summary>
    protected SchedulerSettings Settings { get; }

    /// <summary>The paged KV cache.</summary>
    protected KvCache Kv { get; }

    /// <summary>Requests not running, oldest first; preempted requests go back to the front.</summary>
    protected LinkedList<SequenceState> Waiting { get; } = new();

    /// <summary>Running requests in admission order (the last is the newest, the first to be preempted).</summary>
    protected List<SequenceState> Running { get; } = [];

    /// <inheritdoc />
    public bool HasWork => Waiting.Count > 0 || Running.Count > 0;

    /// <inheritdoc />
    public long KvBlocksUsed => Kv.UsedBlocks;

    /// <summary>State of one accepted request.</summary>
    public SequenceState StateOf(int requestId) => _sequences[requestId];

    /// <inheritdoc />
    public bool Enqueue(Request request)
    {
        var state = new SequenceState(request);
        if ((long)request.PromptTokens + request.OutputTokens > Settings.MaxModelLengthTokens) return false;
        if (Kv.BlocksFor(state.MaxContextTokens) > Kv.TotalBlocks) return false;
        _sequences.Add(request.Id, state);
        Waiting.AddLast(state);
        return true;
    }

    /// <inheritdoc />
    public IterationPlan? Plan()
    {
        _preempted.Clear();
        var (decodes, prefills) = BuildIteration();
        if (decodes.Count == 0 && prefills.Count == 0)
        {
            // Nothing runnable: anything preempted while trying is back in the queue, and the
            // caller waits for the next arrival.
            return null;
        }
        return new IterationPlan(_nextIteration++, ModelLayers, decodes, prefills, _preempted.ToArray());
    }

    /// <summary>The policy's choice of decodes and prefill slices for the next iteration.</summary>
    protected abstract (List<DecodeEntry> Decodes, List<PrefillEntry> Prefills) BuildIteration();

    /// <summary>
    /// One decode token for every running request past its prefill, oldest first. When the KV
    /// cache cannot take a token, the newest running request is preempted (its blocks freed, its
    /// prefill to be recomputed) until it can, as vLLM does.
    /// </summary>
    protected List<DecodeEntry> ScheduleDecodes()
    {
        var decodes = new List<DecodeEntry>();
        for (int i = 0; i < Running.Count; i++)
        {
            var seq = Running[i];
            if (seq.Phase != SequencePhase.Decoding) continue;
            bool stillRunning = true;
            while (!Kv.TryHold(seq.Id, seq.ComputedTokens + 1))
            {
                var victim = Running[^1];
                Preempt(victim);
                if (victim == seq) { stillRunning = false; break; }
            }
            if (stillRunning) decodes.Add(new DecodeEntry(seq.Id, seq.ComputedTokens));
        }
        return decodes;
    }

    /// <summary>Reserves KV for <paramref name="tokens"/> more positions of a waiting request and moves it to running; false when the cache or the sequence cap says no.</summary>
    protected bool TryAdmit(SequenceState seq, int tokens)
    {
        if (Running.Count >= Settings.MaxSequences) return false;
        if (!Kv.TryHold(seq.Id, seq.ComputedTokens + tokens)) return false;
        Waiting.Remove(seq);
        Running.Add(seq);
        seq.Phase = SequencePhase.Prefilling;
        return true;
    }

    /// <summary>A prefill slice of <paramref name="tokens"/> positions from the request's next uncomputed one.</summary>
    protected PrefillEntry Slice(SequenceState seq, int tokens, LayerRange layers, bool lastLayers = true) =>
        new(seq.Id, seq.ComputedTokens, tokens, layers,
            EmitsToken: lastLayers && layers.End == ModelLayers && seq.ComputedTokens + tokens == seq.PrefillTargetTokens);

    private void Preempt(SequenceState victim)
    {
        Kv.Free(victim.Id);
        Running.Remove(victim);
        victim.Preemptions++;
        victim.ComputedTokens = 0;
        victim.PrefillTargetTokens = victim.Request.PromptTokens + victim.GeneratedTokens;
        victim.Phase = SequencePhase.Waiting;
        Waiting.AddFirst(victim);
        _preempted.Add(victim.Id);
        OnPreempted(victim);
    }

    /// <summary>Lets a policy drop its own references to a preempted request.</summary>
    protected virtual void OnPreempted(SequenceState victim) { }

    /// <inheritdoc />
    public IterationOutcome Complete(IterationPlan plan)
    {
        var emitted = new List<int>();
        var finished = new List<int>();
        foreach (var d in plan.Decodes)
        {
            var seq = _sequences[d.RequestId];
            seq.ComputedTokens++;
            Emit(seq, emitted, finished);
        }
        foreach (var p in plan.Prefills)
        {
            var seq = _sequences[p.RequestId];
            // A slice's positions count as computed once they have passed the last layer.
            if (p.Layers.End == ModelLayers) seq.ComputedTokens = p.EndToken;
            if (p.EmitsToken)
            {
                seq.Phase = SequencePhase.Decoding;
                Emit(seq, emitted, finished);
            }
        }
        AfterComplete(plan);
        return new IterationOutcome(emitted, finished);
    }

    /// <summary>Lets a policy advance its own state after an iteration.</summary>
    protected virtual void AfterComplete(IterationPlan plan) { }

    private void Emit(SequenceState seq, List<int> emitted, List<int> finished)
    {
        seq.GeneratedTokens++;
        emitted.Add(seq.Id);
        if (seq.GeneratedTokens < seq.Request.OutputTokens) return;
        seq.Phase = SequencePhase.Finished;
        Kv.Free(seq.Id);
        Running.Remove(seq);
        finished.Add(seq.Id);
    }
}
