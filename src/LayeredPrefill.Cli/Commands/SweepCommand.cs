using System.CommandLine;
using System.Globalization;
using LayeredPrefill.Cli.Options;
using LayeredPrefill.Cli.Output;
using LayeredPrefill.IO;
using LayeredPrefill.Plots.Reports;
using LayeredPrefill.Sweeps;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`sweep`: runs a grid of policies × rates × models × traces in parallel, resumably, then writes its report.</summary>
internal static class SweepCommand
{
    internal static Command Create()
    {
        var d = SweepDefinition.Default;
        var definition = new Option<string?>("--definition") { Description = "Sweep definition JSON (name, policies, models, traces, rates or grids, requests or duration_s, device, tp, seed); overrides the grid options." };
        var name = new Option<string>("--name") { Description = "Sweep name (folder under <results-dir>/sweeps/).", DefaultValueFactory = _ => d.Name };
        var policies = SharedOptions.Policies(string.Join(",", d.Policies), many: true);
        var models = new Option<string>("--models") { Description = "Comma-separated model presets or config.json paths.", DefaultValueFactory = _ => string.Join(",", d.Grids[0].Models) };
        var traces = new Option<string>("--traces") { Description = "Comma-separated embedded traces or CSV paths.", DefaultValueFactory = _ => string.Join(",", d.Grids[0].Traces) };
        var rates = new Option<string>("--rates") { Description = "Comma-separated Poisson rates (req/s).", DefaultValueFactory = _ => string.Join(",", d.Grids[0].Rates.Select(r => r.ToString(CultureInfo.InvariantCulture))) };
        var requests = new Option<int?>("--requests") { Description = $"Requests per point (default {d.RequestsPerPoint} unless --duration-s is given)." };
        var duration = new Option<double?>("--duration-s") { Description = "Requests per point = rate × this many seconds (the paper uses 600)." };
        var device = new Option<string>("--device") { Description = "Device preset or DeviceProfile .json.", DefaultValueFactory = _ => d.Device };
        var tp = new Option<int>("--tp") { Description = "Tensor-parallel degree.", DefaultValueFactory = _ => d.TensorParallel };
        var seed = SharedOptions.Seed("sampling and arrivals (the first, with --seeds)");
        var seeds = SharedOptions.Seeds();
        var capacity = new Option<double>("--capacity-target")
        {
            Description = "After the grid, search each policy's capacity: the highest rate whose SLO attainment reaches this share (0 = no search).",
            DefaultValueFactory = _ => SweepDefinition.DefaultCapacityTarget,
        };
        var common = new ResultsOptions();
        var cmd = new Command("sweep", "Run a resumable grid of policies × rates × models × traces over all cores, then write its report.");
        foreach (var o in new Option[] { definition, name, policies, models, traces, rates, requests, duration, device, tp, seed, seeds, capacity }) cmd.Options.Add(o);
        common.AddTo(cmd);
        cmd.SetAction((parse, cancel) => CliHost.GuardAsync(() =>
        {
            var def = parse.GetValue(definition) is { } file
                ? SweepDefinitionJson.ReadFile(file)
                : new SweepDefinition(parse.GetValue(name)!, List(parse.GetValue(policies)!),
                    [new SweepGrid(List(parse.GetValue(models)!), List(parse.GetValue(traces)!), Rates(parse.GetValue(rates)!))],
                    RequestsPerPoint: parse.GetValue(requests) ?? (parse.GetValue(duration) is null ? d.RequestsPerPoint : null),
                    DurationSeconds: parse.GetValue(duration), Device: parse.GetValue(device)!, TensorParallel: parse.GetValue(tp), Seed: parse.GetValue(seed),
                    Seeds: parse.GetValue(seeds), CapacityTarget: parse.GetValue(capacity) is var c && c != 0 ? c : null)
                    .Validate("options");
            return RunAndReport(def, common, parse, cancel, (x, s, r, c) => SweepReport.Write(x, s, r, c), parse.GetValue(definition));
        }));
        return cmd;
    }

    /// <summary>Runs the sweep, then (unless --no-report) its report; shared with `paper`.</summary>
    internal static int RunAndReport(SweepDefinition def, ResultsOptions options, ParseResult parse, CancellationToken cancel,
        Func<SweepDefinition, SweepStore, string, CancellationToken, (string Markdown, string Html)> report, string? definitionFile = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        string root = parse.GetValue(options.ResultsDir)!;
        var store = new SweepStore(root, def.Name);
        SweepOutcome outcome;
        // The capacity search writes points too: it runs under the sweep's lock.
        using (var plan = SweepPlan.Prepare(def, store, definitionFile, confirmed: parse.GetValue(options.Yes)))
        {
            outcome = SweepProgress.Run(plan, cancel);
            SweepProgress.Print(outcome, store);
            SweepProgress.Capacity(def, store, cancel);
            store.WriteSummary(def.Points().Concat(CapacityFile.ProbePoints(def, store)));
        }
        Console.Error.WriteLine($"summary: {store.SummaryPath} (one row per point), index: {store.IndexPath}");
        if (parse.GetValue(options.NoReport)) return 0;
        var (md, html) = report(def, store, Path.Combine(root, "reports"), cancel);
        Console.WriteLine($"report: {md}");
        Console.WriteLine($"report: {html}");
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total {watch.Elapsed.TotalSeconds:F1} s wall"));
        return 0;
    }

    internal static IReadOnlyList<string> List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // The command line's one number rule (PlainNumber): "1,5" is two rates, "1e300" one, "0x10" none.
    private static IReadOnlyList<double> Rates(string text) => List(text).Select(r =>
        PlainNumber.TryParseDouble(r, out double v, out string why) ? v : throw new UserInputException($"--rates: {why}")).ToArray();
}
