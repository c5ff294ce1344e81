namespace LayeredPrefill.Kernels;

/// <summary>What the engine remembers about a request across iterations and preemptions.</summary>
internal sealed class RequestState
{
    /// <summary>Prompt length, learned when the request's prefill first emits (the end of that slice).</summary>
    public int? PromptTokens { get; set; }

    /// <summary>Tokens generated so far; kept across a preemption so a recompute feeds the same ids.</summary>
    public List<int> Generated { get; } = [];

    /// <summary>Token id at absolute position <paramref name="position"/>: hashed prompt, then the recorded generated tokens.</summary>
    public int TokenAt(int requestId, int position, long seed, int vocab)
    {
        if (PromptTokens is int p && position >= p)
        {
            int g = position - p;
            if (g >= Generated.Count)
                throw new InvalidOperationException($"request {requestId}: position {position} is past the {Generated.Count} generated tokens");
            return Generated[g];
        }
        return CounterRandom.PromptToken(seed, requestId, position, vocab);
    }
}
