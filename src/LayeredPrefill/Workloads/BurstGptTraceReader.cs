namespace LayeredPrefill.Workloads;

/// <summary>
/// BurstGPT's CSV (Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type; timestamps in seconds). Rows with no
/// response tokens are requests that failed in the original service: they are left out with a note, as vLLM's BurstGPT loader does.
/// </summary>
public static class BurstGptTraceReader
{
    private static readonly string[] Needed = ["Timestamp", "Request tokens", "Response tokens"];

    /// <summary>The trace at <paramref name="path"/>, called <paramref name="name"/>.</summary>
    public static TraceRead ReadFile(string path, string name) => ReadFile(path, name, TraceReader.MaxRows);

    /// <summary>As <see cref="ReadFile(string, string)"/>, refusing a trace of more than <paramref name="maxRows"/> kept rows.</summary>
    internal static TraceRead ReadFile(string path, string name, int maxRows)
    {
        var rows = new List<TraceRow>();
        int failed = 0, lastLine = 0;
        foreach (var (line, fields, index) in CsvTable.Read(path, path, Needed))
        {
            lastLine = line;
            int t = index["Timestamp"], p = index["Request tokens"], o = index["Response tokens"];
            double seconds = TraceValues.Seconds(fields[t], "Timestamp", path, line, t + 1);
            int prompt = TraceValues.Tokens(fields[p], "Request tokens", path, line, p + 1, zeroAllowed: true);
            int output = TraceValues.Tokens(fields[o], "Response tokens", path, line, o + 1, zeroAllowed: true);
            if (output == 0 || prompt == 0) { failed++; continue; }
            TraceValues.Keep(rows, new TraceRow(prompt, output, seconds), path, line, maxRows);
        }
        if (rows.Count == 0) throw TraceValues.Error(path, lastLine + 1, 1, failed > 0 ? $"all {failed} rows are failed requests (0 tokens)" : "no data rows after the header");
        var (sorted, outOfOrder) = TraceValues.Sorted(TraceValues.FromFirst(rows));
        var notes = failed > 0 ? new[] { $"note: {path}: left out {failed} failed requests (0 request or response tokens), as vLLM's BurstGPT loader does" } : [];
        return new TraceRead(new Trace(name, sorted, HasTimestamps: true, outOfOrder), notes);
    }
}
