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
        bool interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
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

    /// <summary>One line on what ran.</summary>
    public static void Print(SweepOutcome o, SweepStore store) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sweep done: {o.Ran} points run, {o.Skipped} resumed from earlier runs, {o.WallSeconds:F1} s wall; points in {store.PointsFolder}"));
}
