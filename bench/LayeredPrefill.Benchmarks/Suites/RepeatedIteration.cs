using LayeredPrefill.Benchmarks.Metrics;
using LayeredPrefill.Execution;
using LayeredPrefill.Kernels;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Benchmarks.Suites;

/// <summary>
/// One real-kernel iteration a suite measures again and again: each run drops the prompt's KV and kept hidden states so the
/// next invocation repeats the same iteration, and the last cost gives the domain columns.
/// </summary>
public sealed class RepeatedIteration(KernelExecutor executor, int promptRequest) : IDisposable
{
    /// <summary>The executor (for setting up context the measured iterations read).</summary>
    public KernelExecutor Executor { get; } = executor;

    /// <summary>The cost of the last measured run.</summary>
    public IterationCost? Last { get; private set; }

    /// <summary>Runs <paramref name="plan"/> (<see cref="PlantedSlowdown.Factor"/> times) and keeps its cost.</summary>
    public IterationCost Run(IterationPlan plan)
    {
        for (int i = 1; i < PlantedSlowdown.Factor; i++) Once(plan);
        return Last = Once(plan);
    }

    /// <summary>Hands the last run's kernel metrics to the host-side diagnoser, under <paramref name="suite"/>'s <paramref name="method"/>.</summary>
    public void WriteMetrics(object benchmark, Type suite, string method)
    {
        if (Last is { Layers: { Count: > 0 } layers }) BenchmarkParameters.WriteMetrics(benchmark, suite, method, KernelMetrics.From(Last, layers));
    }

    /// <inheritdoc />
    public void Dispose() => Executor.Dispose();

    private IterationCost Once(IterationPlan plan)
    {
        var cost = Executor.Execute(plan);
        Executor.Release(promptRequest, preempted: false);
        return cost;
    }
}
