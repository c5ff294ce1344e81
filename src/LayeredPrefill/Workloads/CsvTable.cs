namespace LayeredPrefill.Workloads;

/// <summary>The data lines of a CSV file with named columns, for the readers of the layouts <see cref="TraceReader"/> does not know.</summary>
internal static class CsvTable
{
    /// <summary>Each data line's fields and line number, after a header that must name <paramref name="needed"/> (any order and case, extra columns ignored).</summary>
    public static IEnumerable<(int Line, IReadOnlyList<string> Fields, IReadOnlyDictionary<string, int> Index)> Read(string path, string source, IReadOnlyList<string> needed)
    {
        // The bounded reader, as every trace: size, line length, NUL bytes and encoding are checked where they occur.
        using var lines = LayeredPrefill.IO.BoundedFile.OpenLines(path, LayeredPrefill.IO.ReadLimits.Trace, prefix => CsvLine.FieldNumberAt(prefix));
        Dictionary<string, int>? index = null;
        int count = 0, lineNumber = 0;
        string? line;
        while ((line = lines.ReadLine()) is not null)
        {
            lineNumber++;
            if (lineNumber == 1) line = line.TrimStart('\uFEFF');
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = CsvLine.Split(line, out int bad) ?? throw TraceValues.Error(source, lineNumber, bad, "unclosed double quote");
            if (index is null)
            {
                index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                for (int i = 0; i < fields.Count; i++) index.TryAdd(fields[i], i);
                foreach (string column in needed)
                    if (!index.ContainsKey(column))
                        throw TraceValues.Error(source, lineNumber, 1, $"header lacks column '{column}' (expected {string.Join(",", needed)})");
                count = fields.Count;
                continue;
            }
            if (fields.Count != count)
                throw TraceValues.Error(source, lineNumber, Math.Min(fields.Count, count) + 1, $"expected {count} fields as in the header, found {fields.Count}");
            yield return (lineNumber, fields, index);
        }
        if (index is null) throw TraceValues.Error(source, 1, 1, $"empty file (expected a header {string.Join(",", needed)})");
    }
}
