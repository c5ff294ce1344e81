using System.CommandLine;
using LayeredPrefill.Experiments;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`schema`: prints the JSON Schema of the result files (or of their index).</summary>
internal static class SchemaCommand
{
    internal static Command Create()
    {
        var index = new Option<bool>("--index") { Description = "The schema of an index (compare --output F.json, sweep index.json) instead of a run's file." };
        var cmd = new Command("schema", $"Print the JSON Schema of the result files (format_version {ResultJson.FormatVersion}).");
        cmd.Options.Add(index);
        cmd.SetAction(parse => CliHost.Guard(() =>
        {
            Console.Out.Write(parse.GetValue(index) ? ResultSchema.Index : ResultSchema.Result);
            return 0;
        }));
        return cmd;
    }
}
