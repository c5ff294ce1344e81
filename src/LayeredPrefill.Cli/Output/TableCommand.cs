using System.CommandLine;
using Spectre.Console;

namespace LayeredPrefill.Cli.Output;

/// <summary>A verb without options that prints one table (`models`, `traces`).</summary>
internal static class TableCommand
{
    public static Command Create(string name, string description, Func<Table> table)
    {
        var cmd = new Command(name, description);
        cmd.SetAction(_ => CliHost.Guard(() =>
        {
            AnsiConsole.Write(table());
            return 0;
        }));
        return cmd;
    }
}
