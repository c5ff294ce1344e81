namespace LayeredPrefill.Serving;

/// <summary>Everything that happened to one request, in simulated seconds.</summary>
/// <param name="TokenTimesSeconds">When each output token was emitted (the first is the first token).</param>
/// <param name="Rejected">True when the request could never fit the KV cache and was refused at arrival.</param>
/// <param name="ArrivalSeconds">When the client sent the request (its arrival, or later when --max-concurrency held it back); latencies count from here, as vLLM's do.</param>
/// <param name="ExecutionSeconds">Time of the iterations the request ran in (prefill slices and decodes).</param>
/// <param name="ClientQueueSeconds">How long the client held the request back for --max-concurrency before sending it.</param>
public sealed record RequestTimeline(
    int RequestId,
    double ArrivalSeconds,
    int PromptTokens,
    int OutputTokens,
    double? FirstScheduledSeconds,
    IReadOnlyList<double> TokenTimesSeconds,
    double? FinishSeconds,
    int Preemptions,
    bool Rejected,
    double ExecutionSeconds = 0,
    double ClientQueueSeconds = 0)
{
    /// <summary>When the first token came out.</summary>
    public double? FirstTokenSeconds => TokenTimesSeconds.Count > 0 ? TokenTimesSeconds[0] : null;

    /// <summary>True when every output token was produced.</summary>
    public bool Completed => FinishSeconds.HasValue;
}
