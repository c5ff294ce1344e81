namespace LayeredPrefill.Workloads;

/// <summary>A named, arrival-ordered list of requests.</summary>
public sealed record Workload(string Name, IReadOnlyList<Request> Requests)
{
    /// <summary>Sum of prompt tokens over all requests.</summary>
    public long PromptTokens => Requests.Sum(r => (long)r.PromptTokens);

    /// <summary>Sum of output tokens over all requests.</summary>
    public long OutputTokens => Requests.Sum(r => (long)r.OutputTokens);
}
