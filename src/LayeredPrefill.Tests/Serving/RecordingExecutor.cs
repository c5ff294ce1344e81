using LayeredPrefill.Execution;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Tests.Serving;

/// <summary>Wraps a real executor, keeping every plan, cost and release it sees.</summary>
internal sealed class RecordingExecutor(IExecutor inner) : IExecutor
{
    public List<(IterationPlan Plan, IterationCost Cost)> Iterations { get; } = [];
    public List<(int Id, bool Preempted)> Released { get; } = [];

    public string Name => inner.Name;

    public IterationCost Execute(IterationPlan plan)
    {
        var cost = inner.Execute(plan);
        Iterations.Add((plan, cost));
        return cost;
    }

    public void Release(int requestId, bool preempted)
    {
        Released.Add((requestId, preempted));
        inner.Release(requestId, preempted);
    }

    public void Dispose() => inner.Dispose();
}
