using System.Text;

namespace LayeredPrefill.Workloads;

/// <summary>Splits one CSV line into fields: commas separate, double quotes may wrap a field ("" is a quote inside one).</summary>
/// <remarks>Traces are one record per line, so a quoted newline is not supported; an unclosed quote is an error.</remarks>
internal static class CsvLine
{
    /// <summary>The 1-based field number of the character right after <paramref name="prefix"/> (the start of a line): commas outside quotes, plus one.</summary>
    public static int FieldNumberAt(string prefix)
    {
        int field = 1;
        bool quoted = false;
        foreach (char c in prefix)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) field++;
        }
        return field;
    }

    /// <summary>The fields of <paramref name="line"/>; on an unclosed quote, returns null and the 1-based field number.</summary>
    public static List<string>? Split(string line, out int badField)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        badField = 0;
        int i = 0;
        while (true)
        {
            // Leading blanks before a quote are tolerated, as many exporters pad after commas.
            int start = i;
            while (i < line.Length && line[i] == ' ') i++;
            if (i < line.Length && line[i] == '"')
            {
                i++;
                bool closed = false;
                while (i < line.Length)
                {
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        closed = true; i++; break;
                    }
                    field.Append(line[i++]);
                }
                if (!closed) { badField = fields.Count + 1; return null; }
                while (i < line.Length && line[i] != ',') field.Append(line[i++]);
            }
            else
            {
                i = start;
                while (i < line.Length && line[i] != ',') field.Append(line[i++]);
            }
            fields.Add(field.ToString().Trim());
            field.Clear();
            if (i >= line.Length) return fields;
            i++; // the comma
        }
    }
}
