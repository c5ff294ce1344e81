using System.Globalization;
using LayeredPrefill.IO;

namespace LayeredPrefill.Workloads;

/// <summary>
/// The rules every trace reader shares: token counts, seconds, the row bound, and arrivals in time order. A value is refused as
/// "source:line:column: what", echoing the text through <see cref="Echo"/> so a huge field or escape bytes stay one readable line.
/// </summary>
internal static class TraceValues
{
    public static UserInputException Error(string source, int line, int column, string what) => new($"{source}:{line}:{column}: {what}");

    /// <summary>
    /// A token count: a whole number in [1, <see cref="TraceReader.MaxTokens"/>], or from 0 where <paramref name="zeroAllowed"/>
    /// (BurstGPT marks a failed request with 0 response tokens). A float that is whole is accepted, as pandas writes them.
    /// </summary>
    public static int Tokens(string text, string column, string source, int line, int col, bool zeroAllowed = false)
    {
        text = text.Trim();
        if (text.Length == 0) throw Error(source, line, col, $"{column} is empty");
        long value;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole)) value = whole;
        else if (IsNonFinite(text)) throw Error(source, line, col, $"{column} is not a finite number (got '{Echo.Of(text)}')");
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == Math.Floor(d) && Math.Abs(d) < 1e18) value = (long)d;
        else throw Error(source, line, col, $"{column} must be a whole number of tokens (got '{Echo.Of(text)}')");
        if (value < (zeroAllowed ? 0 : 1))
            throw Error(source, line, col, $"{column} must be {(zeroAllowed ? ">=" : ">")} 0 tokens (got {value})");
        if (value > TraceReader.MaxTokens) throw Error(source, line, col, $"{column} exceeds the limit of {TraceReader.MaxTokens} tokens (got {value})");
        return (int)value;
    }

    /// <summary>An arrival in seconds from the trace's start: a finite number, not negative.</summary>
    public static double Seconds(string text, string column, string source, int line, int col)
    {
        text = text.Trim();
        if (text.Length == 0) throw Error(source, line, col, $"{column} is empty");
        if (IsNonFinite(text)) throw Error(source, line, col, $"{column} is not a finite number (got '{Echo.Of(text)}')");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
            throw Error(source, line, col, $"{column} must be a finite number of seconds (got '{Echo.Of(text)}')");
        // "1e400" parses, to infinity: refuse it like a spelled-out inf.
        if (!double.IsFinite(seconds)) throw Error(source, line, col, $"{column} is not a finite number (got '{Echo.Of(text)}')");
        if (seconds < 0) throw Error(source, line, col, $"{column} must be >= 0 seconds from the start (got {Echo.Of(text)})");
        return seconds;
    }

    /// <summary>Adds <paramref name="row"/>, refusing the one past <paramref name="maxRows"/>: every row is kept in memory.</summary>
    public static void Keep(List<TraceRow> rows, TraceRow row, string source, int line, int maxRows)
    {
        if (rows.Count >= maxRows)
            throw Error(source, line, 1, $"more than {maxRows:N0} rows (the most a trace may have; sample it first)");
        rows.Add(row);
    }

    /// <summary>Rows sorted by arrival (stably) and how many were out of order.</summary>
    public static (IReadOnlyList<TraceRow> Rows, int OutOfOrder) Sorted(List<TraceRow> rows)
    {
        int outOfOrder = 0;
        double latest = double.NegativeInfinity;
        foreach (var row in rows)
        {
            if (row.ArrivalSeconds < latest) outOfOrder++;
            else latest = row.ArrivalSeconds!.Value;
        }
        return (outOfOrder == 0 ? rows : rows.OrderBy(r => r.ArrivalSeconds).ToArray(), outOfOrder); // OrderBy is stable
    }

    /// <summary>Arrivals made relative to the earliest.</summary>
    public static List<TraceRow> FromFirst(List<TraceRow> rows)
    {
        double first = rows.Min(r => r.ArrivalSeconds!.Value);
        return rows.Select(r => r with { ArrivalSeconds = r.ArrivalSeconds!.Value - first }).ToList();
    }

    /// <summary>Each row's arrival from wall-clock <paramref name="ticks"/> (row by row), counted from the earliest.</summary>
    /// <remarks>Ticks keep 100 ns exactly; seconds since the year 1 in a double would not.</remarks>
    public static void ArrivalsFromTicks(List<TraceRow> rows, List<long> ticks)
    {
        long first = ticks.Min();
        for (int i = 0; i < rows.Count; i++) rows[i] = rows[i] with { ArrivalSeconds = (ticks[i] - first) / (double)TimeSpan.TicksPerSecond };
    }

    private static bool IsNonFinite(string text)
    {
        string t = text.TrimStart('+', '-').ToLowerInvariant();
        return t is "nan" or "inf" or "infinity" or "∞";
    }
}
