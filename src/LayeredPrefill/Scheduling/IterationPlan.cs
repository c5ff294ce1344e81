namespace LayeredPrefill.Scheduling;

/// <summary>A running request that produces one token this iteration through every layer.</summary>
/// <param name="ContextTokens">Tokens already in its KV cache; this step appends one.</param>
public sealed record DecodeEntry(int RequestId, int ContextTokens);

/// <summary>A slice of a request's prompt that runs through <see cref="Layers"/> this iteration.</summary>
/// <param name="StartToken">First prompt position of the slice; positions before it are already in the KV cache of these layers.</param>
/// <param name="TokenCount">Positions in the slice.</param>
/// <param name="EmitsToken">True when this slice finishes the request's prefill (its last tokens through the last layer), so it emits a token.</param>
public sealed record PrefillEntry(int RequestId, int StartToken, int TokenCount, LayerRange Layers, bool EmitsToken)
{
    /// <summary>Context each slice token attends to before the slice itself.</summary>
    public int ContextTokensBefore => StartToken;

    /// <summary>One past the last position of the slice.</summary>
    public int EndToken => StartToken + TokenCount;
}

/// <summary>
/// What one iteration runs: the only thing schedulers and executors share. Decodes run through
/// every layer; each prefill entry runs through its own layer range. Requests in
/// <see cref="Preempted"/> lost their KV cache before this iteration and will be recomputed.
/// </summary>
public sealed record IterationPlan(
    int Index,
    int ModelLayers,
    IReadOnlyList<DecodeEntry> Decodes,
    IReadOnlyList<PrefillEntry> Prefills,
    IReadOnlyList<int> Preempted)
{
    /// <summary>Prefill tokens in this iteration (each counted once, whatever its layer range).</summary>
    public int PrefillTokens => Prefills.Sum(p => p.TokenCount);

    /// <summary>Tokens that run through <paramref name="layer"/> this iteration.</summary>
    public int TokensInLayer(int layer)
    {
        int tokens = Decodes.Count;
        foreach (var p in Prefills)
            if (p.Layers.Contains(layer)) tokens += p.TokenCount;
        return tokens;
    }

    /// <summary>Requests that emit a token at the end of this iteration, in plan order.</summary>
    public IEnumerable<int> EmittingRequests =>
        Decodes.Select(d => d.RequestId).Concat(Prefills.Where(p => p.EmitsToken).Select(p => p.RequestId));

    /// <summary>True when the plan runs nothing.</summary>
    public bool IsEmpty => Decodes.Count == 0 && Prefills.Count == 0;
}
