using System.CommandLine;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`run`: serve a workload under one policy.</summary>
internal static class RunCommand
{
    public static Command Create() =>
        ServeVerb.Create("run", "Serve a workload under one policy and report its metrics.", "layered", allowMany: false);
}
