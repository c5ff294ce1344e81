using System.CommandLine;

namespace LayeredPrefill.ResultsComparer;

/// <summary><c>compare</c>: judges a run against the baseline, prints the Markdown table, exits 1 on a regression.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var baseline = new Option<string>("--baseline") { Description = "Folder (or file) of baseline Full JSON reports.", DefaultValueFactory = _ => "results/baseline" };
        var current = new Option<string[]>("--current") { Description = "Folder (or file) of this run's Full JSON reports (BenchmarkDotNet's results folder); several are runs of one build, pooled.", Required = true, AllowMultipleArgumentsPerToken = true };
        var reference = new Option<string[]>("--timing-reference") { Description = "Runs of the baseline's build made in the same job (pooled): timings are judged against these, not the baseline's own.", AllowMultipleArgumentsPerToken = true };
        var threshold = new Option<double>("--threshold-percent") { Description = "Timing regression threshold for the equivalence test.", DefaultValueFactory = _ => new GateOptions().TimingThresholdPercent };
        var floor = new Option<double>("--noise-floor-us") { Description = "Median time differences below this never fail.", DefaultValueFactory = _ => new GateOptions().NoiseFloorMicroseconds };
        var alpha = new Option<double>("--alpha") { Description = "Significance level of the Mann–Whitney tests.", DefaultValueFactory = _ => new GateOptions().SignificanceLevel };
        var tolerance = new Option<double>("--metric-tolerance") { Description = "Relative tolerance for the deterministic Sim.* metrics.", DefaultValueFactory = _ => new GateOptions().MetricRelativeTolerance };
        var timings = new Option<string>("--timings") { Description = "gate: slower timings fail; report: shown only (a machine unlike the baseline's).", DefaultValueFactory = _ => "gate" };
        var metrics = new Option<string>("--metrics") { Description = "gate: a moved Sim.* metric fails; report: shown only (the baseline is another build).", DefaultValueFactory = _ => "gate" };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the table to this file (e.g. $GITHUB_STEP_SUMMARY)." };
        var csv = new Option<string?>("--csv") { Description = "Also write the table as CSV with plain numbers to this file." };
        var filter = new Option<string[]>("--filter") { Description = "Only benchmarks whose full name matches one of these globs (* and ?), as ResultsComparer's --filter.", AllowMultipleArgumentsPerToken = true };

        var command = new Command("compare", "Compare a benchmark run with the baseline; exit 1 on a regression, 2 on bad input.")
        {
            baseline, current, reference, threshold, floor, alpha, tolerance, timings, metrics, markdown, csv, filter,
        };
        command.SetAction(p => ComparerHost.Guard(() =>
        {
            string mode = p.GetValue(timings)!.Trim().ToLowerInvariant();
            if (mode is not ("gate" or "report")) throw new UserInputException($"--timings must be 'gate' or 'report' (got '{mode}')");
            string metricsMode = p.GetValue(metrics)!.Trim().ToLowerInvariant();
            if (metricsMode is not ("gate" or "report")) throw new UserInputException($"--metrics must be 'gate' or 'report' (got '{metricsMode}')");
            var options = new GateOptions(p.GetValue(threshold), p.GetValue(floor), p.GetValue(alpha), p.GetValue(tolerance),
                GateTimings: mode == "gate", GateMetrics: metricsMode == "gate").Validate();
            // Checked before the gate runs, so an unwritable summary path is a one-line refusal, not a crash after the verdict.
            if (p.GetValue(markdown) is { Length: > 0 } summary) LayeredPrefill.IO.AtomicFile.EnsureWritable(summary, "--markdown");
            if (p.GetValue(csv) is { Length: > 0 } csvPath) LayeredPrefill.IO.AtomicFile.EnsureWritable(csvPath, "--csv");
            var globs = p.GetValue(filter) ?? [];
            var baselineResults = NameFilter.Apply(FullJsonReader.ReadAll(p.GetValue(baseline)!, "--baseline"), globs);
            var currentResults = NameFilter.Apply(PooledRuns.Read(p.GetValue(current) ?? [], "--current", options), globs);
            var referenceResults = p.GetValue(reference) is { Length: > 0 } referenceRuns
                ? NameFilter.Apply(PooledRuns.Read(referenceRuns, "--timing-reference", options), globs) : null;
            if (globs.Length > 0 && baselineResults.Count == 0 && currentResults.Count == 0)
                throw new UserInputException($"--filter: no benchmark matches {string.Join(" ", globs)}");
            var report = Gate.Compare(baselineResults, currentResults, options, referenceResults);
            if (p.GetValue(csv) is { Length: > 0 } csvFile) LayeredPrefill.IO.AtomicFile.WriteAllText(csvFile, CsvReport.Render(report));
            string table = MarkdownReport.Render(report);
            Console.Write(table);
            // A job summary is appended to by every step: the one place the writer appends rather than replaces.
            if (p.GetValue(markdown) is { Length: > 0 } path) LayeredPrefill.IO.AtomicFile.AppendAllText(path, table);
            return report.Passed ? 0 : 1;
        }));
        return command;
    }
}
