using System.Globalization;
using LayeredPrefill.IO;

namespace LayeredPrefill.Sweeps;

/// <summary>A sweep point with its content identity and result file.</summary>
public sealed record PlannedPoint(SweepPoint Point, string Identity, string Path);

/// <summary>
/// Everything a sweep checks before its first point runs (and before it prints a word): its size (more than
/// <see cref="ConfirmPoints"/> points or <see cref="ConfirmCoreSeconds"/> of estimated work needs --yes), the results
/// folder, the lock that keeps a second sweep out of the same folder, the settings of its earlier points, every
/// point's spec and identity, and which finished points are still valid. Holds the lock until disposed.
/// </summary>
public sealed class SweepPlan : IDisposable
{
    /// <summary>Points a sweep may have without --yes.</summary>
    public const int ConfirmPoints = 10_000;

    /// <summary>Estimated core-seconds of work a sweep may take without --yes (two core-hours: an hour on this project's 2-core machines).</summary>
    /// <remarks>In core-seconds, not wall seconds, so that the same sweep is refused or not whatever machine runs it.</remarks>
    public const double ConfirmCoreSeconds = 7200;

    private readonly OwnerLock _lock;

    private SweepPlan(SweepDefinition definition, SweepStore store, OwnerLock ownerLock, IReadOnlyList<PlannedPoint> points,
        IReadOnlyList<PlannedPoint> todo, int rerunChanged, int rerunDamaged, int temporariesRemoved, double estimatedSeconds, PointSpecs specs)
    {
        Definition = definition; Store = store; _lock = ownerLock; Points = points; Todo = todo;
        RerunChanged = rerunChanged; RerunDamaged = rerunDamaged; TemporariesRemoved = temporariesRemoved; EstimatedSeconds = estimatedSeconds; Specs = specs;
    }

    /// <summary>The sweep.</summary>
    public SweepDefinition Definition { get; }
    /// <summary>Its folder.</summary>
    public SweepStore Store { get; }
    /// <summary>Every point, in the definition's order.</summary>
    public IReadOnlyList<PlannedPoint> Points { get; }
    /// <summary>Points to run now.</summary>
    public IReadOnlyList<PlannedPoint> Todo { get; }
    /// <summary>Points with a valid result from an earlier run.</summary>
    public int AlreadyFinished => Points.Count - Todo.Count;
    /// <summary>Finished points whose inputs changed since (their identity differs): run again.</summary>
    public int RerunChanged { get; }
    /// <summary>Point files that were truncated or corrupt: removed and run again.</summary>
    public int RerunDamaged { get; }
    /// <summary>Temporary files a killed sweep left, removed.</summary>
    public int TemporariesRemoved { get; }
    /// <summary>Rough wall time of the points to run, on this machine's cores.</summary>
    public double EstimatedSeconds { get; }
    /// <summary>The resolved models, traces and device, for running the points.</summary>
    public PointSpecs Specs { get; }

    /// <summary>Checks and plans the sweep; any problem is one <see cref="UserInputException"/> line.</summary>
    /// <param name="definitionFile">The definition's file, prefixed to a point's refusal (null for options).</param>
    /// <param name="confirmed">--yes: run a sweep past <see cref="ConfirmPoints"/> or <see cref="ConfirmCoreSeconds"/>.</param>
    public static SweepPlan Prepare(SweepDefinition definition, SweepStore store, string? definitionFile = null, bool confirmed = true)
    {
        string where = $"sweep '{definition.Name}'";
        long count = definition.PointCountBound;
        double coreSeconds = CoreSeconds(definition);
        double estimate = coreSeconds / Math.Max(1, Environment.ProcessorCount);
        if (!confirmed && (count > ConfirmPoints || coreSeconds > ConfirmCoreSeconds))
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                $"{where}: {count:N0} points, {definition.RequestCountBound:N0} requests, about {coreSeconds / 3600:N1} core-hours of simulation; pass --yes to run a sweep this large"));
        AtomicFile.EnsureWritable(store.DefinitionPath, "--results-dir");
        Experiments.RunContext.Now(); // each point file is stamped as it finishes: a bad SOURCE_DATE_EPOCH is refused now, not after the work
        var ownerLock = OwnerLock.Acquire(store.LockPath, where);
        try
        {
            RefuseChangedSettings(definition, store);
            var specs = new PointSpecs(definition);
            var planned = new List<PlannedPoint>();
            try
            {
                foreach (var point in definition.Points()) planned.Add(new PlannedPoint(point, specs.Identity(point), store.PathOf(point)));
            }
            catch (UserInputException e) when (definitionFile is not null)
            {
                throw new UserInputException($"{definitionFile}: {e.Message}");
            }
            // We hold the lock: no other writer is here, so every temporary is a killed run's leftover.
            int temporaries = AtomicFile.RemoveTemporaries(store.Folder) + AtomicFile.RemoveTemporaries(store.PointsFolder);
            var todo = new List<PlannedPoint>();
            int changed = 0, damaged = 0;
            foreach (var p in planned)
            {
                switch (store.Check(p))
                {
                    case PointFileState.Valid: continue;
                    case PointFileState.Changed: changed++; break;
                    case PointFileState.Damaged: damaged++; File.Delete(p.Path); break;
                }
                todo.Add(p);
            }
            double remaining = planned.Count == 0 ? 0 : estimate * todo.Count / planned.Count;
            return new SweepPlan(definition, store, ownerLock, planned, todo, changed, damaged, temporaries, remaining, specs);
        }
        catch
        {
            ownerLock.Dispose();
            throw;
        }
    }

    /// <summary>The line a sweep starts with: its size, what is finished, what is rerun and why, and the estimate.</summary>
    public string Header()
    {
        var parts = new List<string> { $"{Points.Count} points, {AlreadyFinished} already finished in {Store.PointsFolder}" };
        if (RerunChanged > 0) parts.Add($"{RerunChanged} rerun because their inputs changed");
        if (RerunDamaged > 0) parts.Add($"{RerunDamaged} rerun because their files were incomplete");
        if (TemporariesRemoved > 0) parts.Add($"{TemporariesRemoved} temporary files of an interrupted run removed");
        if (Todo.Count > 0) parts.Add($"about {Duration(EstimatedSeconds)} to go");
        return $"sweep '{Definition.Name}': {string.Join("; ", parts)}";
    }

    /// <summary>
    /// Core-seconds the sweep's points take, roughly: the roofline simulator spends about 0.4 ms per request plus
    /// 40 µs per request and layer (measured: the default sweep, 18 points of 200 requests on 48 layers, 3.4 s on 2 cores; `paper`, 2.5 min).
    /// </summary>
    public static double CoreSeconds(SweepDefinition d)
    {
        double work = 0;
        foreach (var g in d.Grids)
            foreach (string model in g.Models)
            {
                int layers = Models.ModelCatalog.Names.Contains(model, StringComparer.OrdinalIgnoreCase) ? Models.ModelCatalog.Get(model).Layers : 48;
                foreach (double rate in g.Rates) work += (double)d.RequestsFor(g, rate) * g.Traces.Count * (0.4e-3 + 40e-6 * layers);
            }
        return work * d.Policies.Count * d.Seeds;
    }

    private static string Duration(double seconds) => seconds switch
    {
        < 90 => $"{Math.Max(1, seconds):F0} s",
        < 5400 => $"{seconds / 60:F0} min",
        < 172800 => $"{seconds / 3600:F1} h",
        _ => $"{seconds / 86400:F0} days",
    };

    /// <summary>
    /// The definition names the device, TP degree and SLOs the report is labelled with: resuming a sweep whose folder
    /// holds points run under other settings would mix them (their identities differ, so they would all re-run under a
    /// report that no longer describes the old ones), so refuse. Adding policies, rates or grids is fine.
    /// </summary>
    private static void RefuseChangedSettings(SweepDefinition definition, SweepStore store)
    {
        if (!File.Exists(store.DefinitionPath)) return;
        var old = store.LoadDefinition();
        static string Settings(SweepDefinition d) => string.Create(CultureInfo.InvariantCulture,
            $"device {d.Device}, TP {d.TensorParallel}, SLO TTFT {d.SloTtftMs?.ToString() ?? "paper"} ms / ITL {d.SloItlMs?.ToString() ?? "paper"} ms{(d.RejectedMeetSlo ? ", refused requests meet the SLO" : "")}");
        if (Settings(old) != Settings(definition))
            throw new UserInputException($"sweep '{definition.Name}': its finished points in {store.Folder} were run with {Settings(old)}, not {Settings(definition)}; use another --name or remove that folder");
    }

    /// <summary>Releases the sweep's lock.</summary>
    public void Dispose() => _lock.Dispose();
}
