using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Execution;

/// <summary>Runs or prices an <see cref="IterationPlan"/>. It never knows which policy planned.</summary>
public interface IExecutor : IDisposable
{
    /// <summary>Short name for reports ("roofline", "kernels/simd").</summary>
    string Name { get; }

    /// <summary>Runs or prices one iteration.</summary>
    IterationCost Execute(IterationPlan plan);

    /// <summary>Drops what the executor keeps for a request: it finished, or it was preempted and will be recomputed.</summary>
    void Release(int requestId, bool preempted);
}
