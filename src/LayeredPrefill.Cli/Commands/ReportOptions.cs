using System.CommandLine;

namespace LayeredPrefill.Cli.Commands;

/// <summary>Options shared by `sweep`, `report` and `paper`.</summary>
internal sealed class ReportOptions
{
    public Option<string> ResultsDir { get; } = new("--results-dir") { Description = "Root of sweeps/ and reports/.", DefaultValueFactory = _ => "results" };
    public Option<bool> NoReport { get; } = new("--no-report") { Description = "Run the points only; write no report." };

    public void AddTo(Command command)
    {
        command.Options.Add(ResultsDir);
        command.Options.Add(NoReport);
    }
}
