using System.CommandLine;
using LayeredPrefill.Cli.Options;
using LayeredPrefill.Plots.Reports;
using LayeredPrefill.Sweeps;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`report`: writes results/reports/&lt;name&gt;/report.md and report.html from a sweep's finished points.</summary>
internal static class ReportCommand
{
    internal static Command Create()
    {
        var name = new Option<string>("--name") { Description = "The sweep to report (folder under <results-dir>/sweeps/).", DefaultValueFactory = _ => SweepDefinition.Default.Name };
        var results = new ResultsOptions(withNoReport: false);
        var cmd = new Command("report", "Write a sweep's Markdown and self-contained HTML report with tables, plots and a summary.");
        cmd.Options.Add(name);
        results.AddTo(cmd);
        cmd.SetAction((parse, cancel) => CliHost.GuardAsync(() =>
        {
            string root = parse.GetValue(results.ResultsDir)!;
            var store = new SweepStore(root, parse.GetValue(name)!);
            var def = store.LoadDefinition();
            store.WriteSummary(def.Points().Concat(CapacityFile.ProbePoints(def, store)));
            var (md, html) = def.Name == "paper"
                ? PaperReport.Write(def, store, Path.Combine(root, "reports"), cancel)
                : SweepReport.Write(def, store, Path.Combine(root, "reports"), cancel);
            Console.WriteLine($"report: {md}");
            Console.WriteLine($"report: {html}");
            return 0;
        }));
        return cmd;
    }
}
