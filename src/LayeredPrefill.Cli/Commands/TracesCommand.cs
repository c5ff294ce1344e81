using System.CommandLine;
using LayeredPrefill.Cli.Output;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`traces`: the embedded request traces and their length statistics.</summary>
internal static class TracesCommand
{
    public static Command Create() => TableCommand.Create("traces", "List the embedded request-length traces with their statistics.", () =>
    {
        var table = new TextTable(["trace", "rows", "timestamps", "prompt mean/median/max", "output mean/median/max"]);
        foreach (string name in TraceCatalog.Names)
        {
            var trace = TraceCatalog.Load(name);
            table.Add(name, $"{trace.Rows.Count}", trace.HasTimestamps ? "yes" : "no",
                Stats(trace.Rows.Select(r => r.PromptTokens)), Stats(trace.Rows.Select(r => r.OutputTokens)));
        }
        return table;
    });

    private static string Stats(IEnumerable<int> values)
    {
        var sorted = values.Order().ToArray();
        return $"{sorted.Average():F0} / {sorted[sorted.Length / 2]} / {sorted[^1]}";
    }
}
