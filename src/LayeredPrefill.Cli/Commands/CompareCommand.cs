using System.CommandLine;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`compare`: serve the same workload under several policies, side by side.</summary>
internal static class CompareCommand
{
    public static Command Create() =>
        ServeVerb.Create("compare", "Serve the same workload under several policies and show them side by side.", "chunked,layered", allowMany: true);
}
