namespace LayeredPrefill.Scheduling;

/// <summary>What changed when an iteration finished.</summary>
/// <param name="Emitted">Requests that produced a token, in plan order.</param>
/// <param name="Finished">Requests that produced their last token.</param>
public sealed record IterationOutcome(IReadOnlyList<int> Emitted, IReadOnlyList<int> Finished);

/// <summary>Turns waiting and running requests into iteration plans. It never knows which executor runs them.</summary>
public interface IScheduler
{
    /// <summary>The policy's canonical name with its knobs (<see cref="SchedulingPolicy.Name"/>: "chunked-512", "layered-g4").</summary>
    string Name { get; }

    /// <summary>Adds an arrived request; false when it can never run (its whole context exceeds the KV cache).</summary>
    bool Enqueue(Workloads.Request request);

    /// <summary>True while any accepted request is unfinished.</summary>
    bool HasWork { get; }

    /// <summary>The next iteration, or null when nothing can run until another request arrives.</summary>
    IterationPlan? Plan();

    /// <summary>Advances request state after <paramref name="plan"/> ran.</summary>
    IterationOutcome Complete(IterationPlan plan);

    /// <summary>KV blocks in use (for the iteration log).</summary>
    long KvBlocksUsed { get; }
}
