using System.CommandLine;

namespace LayeredPrefill.Cli.Output;

/// <summary>A verb that prints one table (`models`, `traces`, `devices`): a table on a terminal, plain columns when piped, or --format csv|json.</summary>
internal static class TableCommand
{
    public static Command Create(string name, string description, Func<TextTable> table)
    {
        var cmd = new Command(name, description);
        var (format, json) = OutputFormat.AddTo(cmd);
        cmd.SetAction(parse => CliHost.Guard(() =>
        {
            var kind = OutputFormat.Resolve(parse, format, json);
            table().Write(kind);
            return 0;
        }));
        return cmd;
    }
}
