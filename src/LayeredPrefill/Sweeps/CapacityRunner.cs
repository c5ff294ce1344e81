using LayeredPrefill.Experiments;

namespace LayeredPrefill.Sweeps;

/// <summary>
/// Runs a sweep's capacity searches (definition capacity_target): per grid setting and policy, from the grid's finished rates,
/// with each probe a sweep point of the first seed saved like the grid's (so a rerun resumes them), then writes capacity.json.
/// The caller holds the sweep's lock (<see cref="SweepPlan"/>) while it runs.
/// </summary>
public static class CapacityRunner
{
    /// <summary>
    /// The grid whose request count and length limit a capacity search of <paramref name="model"/> × <paramref name="trace"/>
    /// uses: the first that holds the pair, skipping grids with a fixed request count when there are several (their rates are
    /// not a rate × duration workload); null when none does. The runner and the report's probe points both ask this.
    /// </summary>
    public static SweepGrid? SearchGrid(SweepDefinition definition, string model, string trace) =>
        definition.Grids.FirstOrDefault(g => (g.Requests is null || definition.Grids.Count == 1) && g.Models.Contains(model) && g.Traces.Contains(trace));

    /// <summary>Searches every model × trace × policy of <paramref name="definition"/>; <paramref name="onProbe"/> is told of each probe run.</summary>
    public static IReadOnlyList<CapacityResult> Run(SweepDefinition definition, SweepStore store, Action<SweepPoint, RunReport?>? onProbe = null, CancellationToken cancel = default)
    {
        if (definition.CapacityTarget is not { } target) return [];
        var specs = new PointSpecs(definition);
        var searches = definition.Grids.SelectMany(g => g.Models.SelectMany(m => g.Traces.Select(t => (Model: m, Trace: t))))
            .Distinct()
            .Select(s => (Grid: SearchGrid(definition, s.Model, s.Trace), s.Model, s.Trace)).Where(s => s.Grid is not null)
            .SelectMany(s => definition.ParsedPolicies().Select(p => (Grid: s.Grid!, s.Model, s.Trace, Policy: p)))
            .ToArray();
        var results = new CapacityResult[searches.Length];
        var options = new ParallelOptions { CancellationToken = cancel, MaxDegreeOfParallelism = Environment.ProcessorCount };
        // Awaited as SweepRunner's loop is, so a search's failure (a full disk: one UserInputException line) or a cancellation
        // reaches the caller as itself; Parallel.For would wrap it in an AggregateException, which the CLI reports as a crash.
        Parallel.ForAsync(0, searches.Length, options, (i, _) =>
        {
            var (grid, model, trace, policy) = searches[i];
            SweepPoint At(double rate) => new(model, trace, policy, rate, definition.RequestsFor(grid, rate), definition.Seed, grid.MaxModelLengthTokens);
            // A probe's file is reused only when it is whole and of these very inputs, as the grid's points are.
            PlannedPoint Planned(SweepPoint p) => new(p, specs.Identity(p), store.PathOf(p));
            bool Valid(SweepPoint p) => store.Check(Planned(p)) == PointFileState.Valid;
            var known = grid.Rates.Select(At).Where(Valid)
                .Select(p => new CapacityProbe(p.RatePerSecond, store.Load([p])[0].SloAttainment)).ToArray();
            var (capacity, miss, probes) = CapacitySearch.Search(target, known, rate =>
            {
                var point = At(rate);
                if (Valid(point)) { onProbe?.Invoke(point, null); return store.Load([point])[0].SloAttainment; }
                var report = ExperimentRunner.Run(specs.Spec(point), null, cancel, keepIterationLog: false);
                cancel.ThrowIfCancellationRequested();
                store.Save(Planned(point), report);
                onProbe?.Invoke(point, report);
                return report.Metrics.SloAttainment;
            });
            results[i] = new CapacityResult(model, trace, policy.Name, target, capacity, miss, probes);
            return ValueTask.CompletedTask;
        }).GetAwaiter().GetResult();
        CapacityFile.Write(store, results);
        return results;
    }
}
