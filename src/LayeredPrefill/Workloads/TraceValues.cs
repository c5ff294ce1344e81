using System.Globalization;

namespace LayeredPrefill.Workloads;

/// <summary>The value rules the trace readers share: token counts and seconds, refused as "source:line:column: what".</summary>
internal static class TraceValues
{
    public static UserInputException Error(string source, int line, int column, string what) => new($"{source}:{line}:{column}: {what}");

    /// <summary>A token count: a whole number in [0, <see cref="TraceReader.MaxTokens"/>] (a float that is whole is accepted, as pandas writes them).</summary>
    public static long Tokens(string text, string column, string source, int line, int col)
    {
        text = text.Trim();
        if (text.Length == 0) throw Error(source, line, col, $"{column} is empty");
        long value;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole)) value = whole;
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e18) value = (long)d;
        else throw Error(source, line, col, $"{column} must be a whole number of tokens (got '{text}')");
        if (value < 0) throw Error(source, line, col, $"{column} must be >= 0 tokens (got {value})");
        if (value > TraceReader.MaxTokens) throw Error(source, line, col, $"{column} exceeds the limit of {TraceReader.MaxTokens} tokens (got {value})");
        return value;
    }

    /// <summary>A finite, non-negative number of <paramref name="unit"/>.</summary>
    public static double NonNegative(string text, string column, string unit, string source, int line, int col)
    {
        text = text.Trim();
        if (text.Length == 0) throw Error(source, line, col, $"{column} is empty");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw Error(source, line, col, $"{column} must be a finite number of {unit} (got '{text}')");
        if (v < 0) throw Error(source, line, col, $"{column} must be >= 0 {unit} (got {text})");
        return v;
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
        return (outOfOrder == 0 ? rows : rows.OrderBy(r => r.ArrivalSeconds).ToArray(), outOfOrder);
    }

    /// <summary>Arrivals made relative to the earliest.</summary>
    public static List<TraceRow> FromFirst(List<TraceRow> rows)
    {
        double first = rows.Min(r => r.ArrivalSeconds!.Value);
        return rows.Select(r => r with { ArrivalSeconds = r.ArrivalSeconds!.Value - first }).ToList();
    }
}
