using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace LayeredPrefill.Cli.Output;

/// <summary>
/// A table of strings a verb prints: a Spectre table on an interactive terminal; plain left/right-aligned columns, never
/// wrapped, when stdout is a pipe or a file (so `models | cat` and `grep` see whole rows); CSV or JSON when asked.
/// </summary>
internal sealed class TextTable(IReadOnlyList<string> header, IReadOnlyList<bool>? rightAligned = null)
{
    private readonly List<IReadOnlyList<string>> _rows = [];

    public TextTable Add(params string[] cells)
    {
        if (cells.Length != header.Count) throw new ArgumentException($"expected {header.Count} cells, got {cells.Length}");
        _rows.Add(cells);
        return this;
    }

    private bool Right(int column) => rightAligned is { } r && column < r.Count && r[column];

    /// <summary>True when stdout is an interactive terminal (Spectre's styled table); false for a pipe or a file.</summary>
    public static bool StdoutIsTerminal => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Prints the table as <paramref name="kind"/> says.</summary>
    public void Write(OutputKind kind)
    {
        switch (kind)
        {
            case OutputKind.Csv: Console.Out.Write(Csv()); break;
            case OutputKind.Json: Console.Out.WriteLine(Json()); break;
            default:
                if (StdoutIsTerminal) AnsiConsole.Write(Spectre());
                else Console.Out.Write(Plain());
                break;
        }
    }

    /// <summary>Whole rows in aligned columns, two spaces apart, the header underlined with dashes.</summary>
    public string Plain()
    {
        int n = header.Count;
        var widths = Enumerable.Range(0, n).Select(c => Math.Max(header[c].Length, _rows.Select(r => r[c].Length).DefaultIfEmpty(0).Max())).ToArray();
        var sb = new StringBuilder();
        void Line(IReadOnlyList<string> cells)
        {
            var parts = cells.Select((cell, c) => Right(c) ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
            sb.Append(string.Join("  ", parts).TrimEnd()).Append('\n');
        }
        Line(header);
        Line(widths.Select(w => new string('-', w)).ToArray());
        foreach (var row in _rows) Line(row);
        return sb.ToString();
    }

    public string Csv()
    {
        var sb = new StringBuilder(string.Join(',', header.Select(Experiments.FlatCsv.Quote))).Append('\n');
        foreach (var row in _rows) sb.Append(string.Join(',', row.Select(Experiments.FlatCsv.Quote))).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// One object per row for a script: keys are the headers in snake_case ("KV KiB/token" → "kv_kib_token"), and a cell that
    /// is a plain number is a JSON number (what a table prints as "48" a script reads as 48); every other cell stays text.
    /// </summary>
    public string Json()
    {
        var keys = header.Select(JsonKey).ToArray();
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var row in _rows)
            {
                w.WriteStartObject();
                for (int c = 0; c < header.Count; c++)
                {
                    if (IO.PlainNumber.TryParseDouble(row[c], out double number, out _) && double.IsFinite(number)) w.WriteNumber(keys[c], number);
                    else w.WriteString(keys[c], row[c]);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A header as a JSON key: lower case, every run of other characters than letters and digits one '_'.</summary>
    public static string JsonKey(string headerText)
    {
        var sb = new StringBuilder();
        foreach (char ch in headerText.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(ch)) sb.Append(ch);
            else if (sb.Length > 0 && sb[^1] != '_') sb.Append('_');
        }
        return sb.ToString().TrimEnd('_');
    }

    public Table Spectre()
    {
        var table = new Table();
        for (int c = 0; c < header.Count; c++)
        {
            var column = new TableColumn(Markup.Escape(header[c]));
            table.AddColumn(Right(c) ? column.RightAligned() : column);
        }
        foreach (var row in _rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        return table;
    }
}
