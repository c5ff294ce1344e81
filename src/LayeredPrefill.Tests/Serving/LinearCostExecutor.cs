using LayeredPrefill.Execution;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Tests.Serving;

/// <summary>A test executor: fixed cost per iteration plus a cost per token-layer; counts expert bytes as one unit per token-layer.</summary>
internal sealed class LinearCostExecutor(double fixedSeconds = 0.01, double perTokenLayerSeconds = 1e-5) : IExecutor
{
    public List<IterationPlan> Plans { get; } = [];
    public List<(int Id, bool Preempted)> Released { get; } = [];

    public string Name => "linear";

    public IterationCost Execute(IterationPlan plan)
    {
        Plans.Add(plan);
        double tokenLayers = 0;
        for (int layer = 0; layer < plan.ModelLayers; layer++) tokenLayers += plan.TokensInLayer(layer);
        double seconds = fixedSeconds + perTokenLayerSeconds * tokenLayers;
        return new IterationCost(seconds, new Traffic(tokenLayers, 0, 0, 0, 0), tokenLayers, seconds);
    }

    public void Release(int requestId, bool preempted) => Released.Add((requestId, preempted));

    public void Dispose() { }
}
