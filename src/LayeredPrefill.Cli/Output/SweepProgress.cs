using System.Globalization;
using LayeredPrefill.Sweeps;
using Spectre.Console;

namespace LayeredPrefill.Cli.Output;

/// <summary>Runs a sweep with a Spectre.Console progress bar, or plain lines when the output is not an interactive terminal.</summary>
internal static class SweepProgress
{
    public static SweepOutcome Run(SweepPlan plan, CancellationToken cancel)
    {
        var definition = plan.Definition;
        int total = plan.Points.Count;
        int alreadyDone = plan.AlreadyFinished;
        // Every check is behind us (SweepPlan.Prepare): a refused sweep never prints this line before its error.
        Console.Error.WriteLine(plan.Header());
        // Resumed points are named, so a rerun that simulates nothing says so instead of passing for a fresh result.
        var resumed = plan.Points.Select(p => p.Point).Except(plan.Todo.Select(p => p.Point)).ToArray();
        const int listed = 20;
        foreach (var point in resumed.Take(listed)) Console.Error.WriteLine($"  resumed {point.Key} (finished earlier; not simulated again)");
        if (alreadyDone > listed) Console.Error.WriteLine($"  … and {alreadyDone - listed} more resumed");
        if (alreadyDone == total && total > 0)
            Console.Error.WriteLine($"nothing to simulate: all {total} points were resumed from {plan.Store.PointsFolder}; to run them afresh use another --name or delete that folder");
        bool interactive = TextTable.StdoutIsTerminal;
        if (!interactive)
        {
            int done = alreadyDone;
            return SweepRunner.RunAsync(plan, (point, report) =>
            {
                int n = Interlocked.Increment(ref done);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{n}/{total}] {point.Key}: SLO {report.Metrics.SloAttainment * 100:F1}%, mean TTFT {report.Metrics.Ttft.MeanMs:F0} ms ({report.WallSeconds:F1} s)"));
            }, cancel).GetAwaiter().GetResult();
        }
        SweepOutcome? outcome = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"sweep {Markup.Escape(definition.Name)}", maxValue: total);
                task.Value = alreadyDone;
                outcome = SweepRunner.RunAsync(plan, (point, _) => task.Increment(1), cancel).GetAwaiter().GetResult();
            });
        return outcome!;
    }

    /// <summary>Runs the definition's capacity searches, one line per probe and one per answer.</summary>
    public static void Capacity(SweepDefinition definition, SweepStore store, CancellationToken cancel)
    {
        if (definition.CapacityTarget is not { } target) return;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"capacity search: the highest rate with ≥ {target * 100:F0}% SLO attainment, per policy (probes are saved as points and resumed like them)"));
        var results = CapacityRunner.Run(definition, store, (point, report) => Console.Error.WriteLine(report is null
            ? $"  probe {point.Key}: resumed"
            : string.Create(CultureInfo.InvariantCulture, $"  probe {point.Key}: SLO {report.Metrics.SloAttainment * 100:F1}%")), cancel);
        foreach (var r in results)
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"capacity {r.Model} {r.Trace} {r.Policy}: {(r.CapacityRps is { } c ? $"{c:0.###} req/s" : "none (the lowest rate tried missed)")}{(r.FirstMissRps is { } m ? $", misses at {m:0.###}" : ", no rate tried missed")}"));
    }

    /// <summary>One line on what ran.</summary>
    public static void Print(SweepOutcome o, SweepStore store) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sweep done: {o.Ran} points run, {o.Skipped} resumed from earlier runs, {o.WallSeconds:F1} s wall; points in {store.PointsFolder}"));
}
