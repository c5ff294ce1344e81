using System.Globalization;
using System.Text.Json;

namespace LayeredPrefill.Tests.Experiments;

/// <summary>
/// What <c>pd.DataFrame([json.load(open(f)) for f in files])</c> and <c>pd.read_csv(f)</c> make of files, reduced to what a
/// user relies on: one row per file (or CSV line), the union of the keys as columns, and which columns come out numeric.
/// </summary>
internal sealed class DataFrameLike
{
    public List<string> Columns { get; } = [];
    public List<Dictionary<string, object?>> Rows { get; } = [];

    /// <summary>Rows from flat JSON objects, as pandas builds a frame from a list of dicts.</summary>
    public static DataFrameLike FromJsonFiles(IEnumerable<string> paths)
    {
        var frame = new DataFrameLike();
        foreach (string path in paths)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var row = new Dictionary<string, object?>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!frame.Columns.Contains(p.Name)) frame.Columns.Add(p.Name);
                row[p.Name] = p.Value.ValueKind switch
                {
                    JsonValueKind.Number => p.Value.GetDouble(),
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Null => null,
                    _ => p.Value.GetRawText(), // a list or dict cell: an object column
                };
            }
            frame.Rows.Add(row);
        }
        return frame;
    }

    /// <summary>Rows from a CSV as read_csv parses it (RFC 4180 quoting; a cell that parses as a float is a number, empty is NaN).</summary>
    public static DataFrameLike FromCsv(string text)
    {
        var frame = new DataFrameLike();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        frame.Columns.AddRange(Fields(lines[0]));
        foreach (string line in lines.Skip(1))
        {
            var cells = Fields(line);
            Assert.Equal(frame.Columns.Count, cells.Count);
            frame.Rows.Add(frame.Columns.Zip(cells).ToDictionary(c => c.First, c => c.Second.Length == 0 ? null
                : double.TryParse(c.Second, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : (object)c.Second));
        }
        return frame;
    }

    /// <summary>True when every non-missing cell of <paramref name="column"/> is a number (pandas gives it a float dtype).</summary>
    public bool IsNumeric(string column) => Rows.All(r => !r.TryGetValue(column, out var v) || v is null || v is double);

    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
