using System.CommandLine;

namespace LayeredPrefill.Cli.Output;

/// <summary>How a verb prints its data on stdout: a table (plain text when stdout is not a terminal), CSV or JSON.</summary>
internal enum OutputKind
{
    Table,
    Csv,
    Json,
}

/// <summary>The --format option and its --json shorthand, spelled once for every verb that prints data.</summary>
internal static class OutputFormat
{
    public static Option<string> Option() => new("--format")
    {
        Description = "What stdout gets: table (plain text when piped), csv (one row per item, plain numbers) or json.",
        DefaultValueFactory = _ => "table",
    };

    public static Option<bool> JsonFlag() => new("--json") { Description = "Same as --format json." };

    /// <summary>The chosen kind; --json wins over the default, and contradicts an explicit other --format.</summary>
    public static OutputKind Resolve(ParseResult parse, Option<string> format, Option<bool> json)
    {
        string text = parse.GetValue(format)!.Trim().ToLowerInvariant();
        var kind = text switch
        {
            "table" => OutputKind.Table,
            "csv" => OutputKind.Csv,
            "json" => OutputKind.Json,
            _ => throw new UserInputException($"--format: unknown format '{text}' (valid: table, csv, json)"),
        };
        if (!parse.GetValue(json)) return kind;
        if (parse.GetResult(format) is { Implicit: false } && kind != OutputKind.Json)
            throw new UserInputException($"--json contradicts --format {text}; give one");
        return OutputKind.Json;
    }

    /// <summary>Adds --format and --json to <paramref name="command"/>.</summary>
    public static (Option<string> Format, Option<bool> Json) AddTo(Command command)
    {
        var format = Option();
        var json = JsonFlag();
        command.Options.Add(format);
        command.Options.Add(json);
        return (format, json);
    }
}
