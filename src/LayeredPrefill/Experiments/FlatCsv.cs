using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LayeredPrefill.Experiments;

/// <summary>
/// A CSV of flat result objects: one row per object, one column per scalar key (first-seen order), numbers as the JSON wrote
/// them (plain, invariant, no units or thousands separators), strings quoted when they must be, null as an empty cell, so
/// <c>pd.read_csv</c> gives numeric columns and NaN where a value is undefined. Array and object values are left out.
/// </summary>
public static class FlatCsv
{
    /// <summary>The CSV of <paramref name="jsonObjects"/>, each a flat result object's text.</summary>
    public static string FromJson(IEnumerable<string> jsonObjects)
    {
        var rows = new List<Dictionary<string, string>>();
        var columns = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string json in jsonObjects)
        {
            using var doc = JsonDocument.Parse(json);
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                string? cell = p.Value.ValueKind switch
                {
                    JsonValueKind.Number => p.Value.GetRawText(),
                    JsonValueKind.String => Quote(p.Value.GetString()!),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Null => "",
                    _ => null,
                };
                if (cell is null) continue;
                row[p.Name] = cell;
                if (seen.Add(p.Name)) columns.Add(p.Name);
            }
            rows.Add(row);
        }
        var sb = new StringBuilder();
        sb.Append(string.Join(',', columns.Select(Quote))).Append('\n');
        foreach (var row in rows) sb.Append(string.Join(',', columns.Select(c => row.GetValueOrDefault(c, "")))).Append('\n');
        return sb.ToString();
    }

    /// <summary>A CSV field: quoted (with doubled quotes) when it holds a comma, quote, newline or leading/trailing blank.</summary>
    public static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) >= 0 || (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])))
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;

    /// <summary>A number as a CSV cell: round-trip invariant, empty when not finite.</summary>
    public static string Number(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";
}
