using System.CommandLine;

namespace LayeredPrefill.Cli.Options;

/// <summary>Where sweeps and their reports live, shared by `sweep`, `paper` (which also take --no-report and --yes) and `report`.</summary>
/// <remarks>
/// The default is runs/ under the current folder, which the repository ignores: a user's sweep never rewrites the committed
/// reference results in results/, which scripts/reference-results.sh regenerates on purpose (with --results-dir results).
/// </remarks>
internal sealed class ResultsOptions(bool withNoReport = true)
{
    /// <summary>The folder user sweeps go to unless told otherwise.</summary>
    public const string DefaultRoot = "runs";

    public Option<string> ResultsDir { get; } = new("--results-dir")
    {
        Description = "Root of sweeps/ and reports/ (default: runs/ under the current folder; the committed reference results are under results/).",
        DefaultValueFactory = _ => DefaultRoot,
    };
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
