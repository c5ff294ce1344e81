using LayeredPrefill.Workloads;

namespace LayeredPrefill.Scheduling;

/// <summary>Where a request is in its life inside a scheduler.</summary>
public enum SequencePhase { Waiting, Prefilling, Decoding, Finished }

/// <summary>A scheduler's mutable view of one request.</summary>
public sealed class SequenceState(Request request)
{
    /// <summary>The request.</summary>
    public Request Request { get; } = request;

    /// <summary>Request id.</summary>
    public int Id => Request.Id;

    /// <summary>Phase.</summary>
    public SequencePhase Phase { get; set; } = SequencePhase.Waiting;

    /// <summary>Positions whose KV is in every layer's cache.</summary>
    public int ComputedTokens { get; set; }

    /// <summary>Tokens generated so far.</summary>
    public int GeneratedTokens { get; set; }

    /// <summary>
    /// Positions to prefill before the next token is emitted: the prompt, or after a preemption the
    /// prompt plus every generated token (recompute, as vLLM does).
    /// </summary>
    public int PrefillTargetTokens { get; set; } = request.PromptTokens;

    /// <summary>Times this request lost its KV cache.</summary>
    public int Preemptions { get; set; }

    /// <summary>Prefill positions still to compute.</summary>
    public int RemainingPrefillTokens => PrefillTargetTokens - ComputedTokens;

    /// <summary>Positions the request will ever hold in the cache (prompt + output − 1; the last token is never fed back).</summary>
    public int MaxContextTokens => Request.PromptTokens + Request.OutputTokens - 1;
}
