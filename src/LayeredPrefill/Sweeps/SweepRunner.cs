using LayeredPrefill.Execution;
using LayeredPrefill.Experiments;

namespace LayeredPrefill.Sweeps;

/// <summary>What a sweep did: points run now, points found finished from an earlier run, and the wall time.</summary>
public sealed record SweepOutcome(int Total, int Ran, int Skipped, double WallSeconds);

/// <summary>Runs a sweep's unfinished points in parallel, saving each as it finishes; a rerun resumes where the last one stopped.</summary>
public static class SweepRunner
{
    /// <summary>
    /// Runs every point of <paramref name="definition"/> that <paramref name="store"/> lacks, over
    /// <paramref name="parallelism"/> workers (default: all cores). <paramref name="onPointDone"/> is called after each save
    /// (from worker threads). Cancelling keeps finished points and leaves nothing of the unfinished ones.
    /// </summary>
    public static async Task<SweepOutcome> RunAsync(SweepDefinition definition, SweepStore store, Action<SweepPoint, RunReport>? onPointDone = null,
        CancellationToken cancel = default, int? parallelism = null, Func<ExperimentSpec, IExecutor>? executorFactory = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var points = definition.Points();
        var specs = new PointSpecs(definition);
        specs.ResolveAll(points);
        RefuseChangedSettings(definition, store);
        store.SaveDefinition(definition);
        var todo = points.Where(p => !store.IsDone(p)).ToArray();
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism ?? Environment.ProcessorCount, CancellationToken = cancel };
        int ran = 0;
        await Parallel.ForEachAsync(todo, options, (point, token) =>
        {
            var report = ExperimentRunner.Run(specs.Spec(point), executorFactory, token);
            // An interrupted run is incomplete: it must leave no file, so the rerun computes it whole.
            if (report.Run.Interrupted || token.IsCancellationRequested) return ValueTask.CompletedTask;
            store.Save(point, report);
            Interlocked.Increment(ref ran);
            onPointDone?.Invoke(point, report);
            return ValueTask.CompletedTask;
        });
        return new SweepOutcome(points.Count, ran, points.Count - todo.Length, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Finished points are reused by key, and the key does not name the device, TP degree or SLO: resuming
    /// a sweep whose folder holds points run under other settings would mix them silently, so refuse.
    /// Adding policies, rates or grids is fine (new keys).
    /// </summary>
    private static void RefuseChangedSettings(SweepDefinition definition, SweepStore store)
    {
        if (!File.Exists(store.DefinitionPath)) return;
        var old = store.LoadDefinition();
        static string Settings(SweepDefinition d) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"device {d.Device}, TP {d.TensorParallel}, SLO TTFT {d.SloTtftMs?.ToString() ?? "paper"} ms / ITL {d.SloItlMs?.ToString() ?? "paper"} ms{(d.RejectedMeetSlo ? ", refused requests meet the SLO" : "")}");
        if (Settings(old) != Settings(definition))
            throw new UserInputException($"sweep '{definition.Name}': its finished points in {store.Folder} were run with {Settings(old)}, not {Settings(definition)}; use another --name or remove that folder");
    }
}
