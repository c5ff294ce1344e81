using System.CommandLine;

namespace LayeredPrefill.Cli.Options;

/// <summary>Where sweeps and their reports live, shared by `sweep`, `paper` (which also take --no-report and --yes) and `report`.</summary>
internal sealed class ResultsOptions(bool withNoReport = true)
{
    public Option<string> ResultsDir { get; } = new("--results-dir") { Description = "Root of sweeps/ and reports/.", DefaultValueFactory = _ => "results" };
    public Option<bool> NoReport { get; } = new("--no-report") { Description = "Run the points only; write no report." };
    public Option<bool> Yes { get; } = new("--yes") { Description = $"Run a sweep larger than {LayeredPrefill.Sweeps.SweepPlan.ConfirmPoints:N0} points or about an hour of work (refused without it)." };

    public void AddTo(Command command)
    {
        command.Options.Add(ResultsDir);
        if (withNoReport)
        {
            command.Options.Add(NoReport);
            command.Options.Add(Yes);
        }
    }
}
