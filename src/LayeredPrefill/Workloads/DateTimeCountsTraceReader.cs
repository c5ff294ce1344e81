using System.Globalization;
using LayeredPrefill.IO;

namespace LayeredPrefill.Workloads;

/// <summary>
/// The Date,Time,PromptTokenCount,CompletionTokenCount layout: a date column (yyyy-MM-dd or MM/dd/yyyy) and a time-of-day column
/// (HH:mm:ss with optional fractions) that together stamp each request; arrivals count from the earliest stamp.
/// </summary>
public static class DateTimeCountsTraceReader
{
    private static readonly string[] Needed = ["Date", "Time", "PromptTokenCount", "CompletionTokenCount"];
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "MM/dd/yyyy", "M/d/yyyy", "yyyy/MM/dd"];
    private static readonly string[] TimeFormats = [@"hh\:mm\:ss\.FFFFFFF", @"hh\:mm\:ss", @"h\:mm\:ss\.FFFFFFF", @"h\:mm\:ss"];

    /// <summary>The trace at <paramref name="path"/>, called <paramref name="name"/>.</summary>
    public static Trace ReadFile(string path, string name) => ReadFile(path, name, TraceReader.MaxRows);

    /// <summary>As <see cref="ReadFile(string, string)"/>, refusing a trace of more than <paramref name="maxRows"/> rows.</summary>
    internal static Trace ReadFile(string path, string name, int maxRows)
    {
        var rows = new List<TraceRow>();
        var ticks = new List<long>();
        int lastLine = 0;
        foreach (var (line, fields, index) in CsvTable.Read(path, path, Needed))
        {
            lastLine = line;
            int d = index["Date"], t = index["Time"], p = index["PromptTokenCount"], o = index["CompletionTokenCount"];
            if (!DateTime.TryParseExact(fields[d].Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                throw TraceValues.Error(path, line, d + 1, $"Date is not a date like 2024-05-10 (got '{Echo.Of(fields[d])}')");
            if (!TimeSpan.TryParseExact(fields[t].Trim(), TimeFormats, CultureInfo.InvariantCulture, out var time) || time >= TimeSpan.FromDays(1))
                throw TraceValues.Error(path, line, t + 1, $"Time is not a time of day like 13:45:07.125 (got '{Echo.Of(fields[t])}')");
            int prompt = TraceValues.Tokens(fields[p], "PromptTokenCount", path, line, p + 1);
            int output = TraceValues.Tokens(fields[o], "CompletionTokenCount", path, line, o + 1);
            TraceValues.Keep(rows, new TraceRow(prompt, output, null), path, line, maxRows);
            ticks.Add((date + time).Ticks);
        }
        if (rows.Count == 0) throw TraceValues.Error(path, lastLine + 1, 1, "no data rows after the header");
        TraceValues.ArrivalsFromTicks(rows, ticks);
        var (sorted, outOfOrder) = TraceValues.Sorted(rows);
        return new Trace(name, sorted, HasTimestamps: true, outOfOrder);
    }
}
