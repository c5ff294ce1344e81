using LayeredPrefill.Execution;
using LayeredPrefill.Experiments;

namespace LayeredPrefill.Sweeps;

/// <summary>What a sweep did: points run now, points found finished from an earlier run, and the wall time.</summary>
public sealed record SweepOutcome(int Total, int Ran, int Skipped, double WallSeconds);

/// <summary>Runs a sweep's unfinished points in parallel, saving each as it finishes; a rerun resumes where the last one stopped.</summary>
public static class SweepRunner
{
    /// <summary>Plans (see <see cref="SweepPlan.Prepare"/>) and runs <paramref name="definition"/> in <paramref name="store"/>.</summary>
    public static async Task<SweepOutcome> RunAsync(SweepDefinition definition, SweepStore store, Action<SweepPoint, RunReport>? onPointDone = null,
        CancellationToken cancel = default, int? parallelism = null, Func<ExperimentSpec, IExecutor>? executorFactory = null)
    {
        using var plan = SweepPlan.Prepare(definition, store);
        return await RunAsync(plan, onPointDone, cancel, parallelism, executorFactory);
    }

    /// <summary>
    /// Runs every point of <paramref name="plan"/> still to do, over <paramref name="parallelism"/> workers (default: all
    /// cores). <paramref name="onPointDone"/> is called after each save (from worker threads). Cancelling keeps finished
    /// points and leaves nothing of the unfinished ones.
    /// </summary>
    public static async Task<SweepOutcome> RunAsync(SweepPlan plan, Action<SweepPoint, RunReport>? onPointDone = null,
        CancellationToken cancel = default, int? parallelism = null, Func<ExperimentSpec, IExecutor>? executorFactory = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        plan.Store.SaveDefinition(plan.Definition);
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism ?? Environment.ProcessorCount, CancellationToken = cancel };
        int ran = 0;
        await Parallel.ForEachAsync(plan.Todo, options, (point, token) =>
        {
            var report = ExperimentRunner.Run(plan.Specs.Spec(point.Point), executorFactory, token, keepIterationLog: false);
            // An interrupted run is incomplete: it must leave no file, so the rerun computes it whole.
            if (report.Run.Interrupted || token.IsCancellationRequested) return ValueTask.CompletedTask;
            plan.Store.Save(point, report);
            Interlocked.Increment(ref ran);
            onPointDone?.Invoke(point.Point, report);
            return ValueTask.CompletedTask;
        });
        return new SweepOutcome(plan.Points.Count, ran, plan.AlreadyFinished, watch.Elapsed.TotalSeconds);
    }
}
