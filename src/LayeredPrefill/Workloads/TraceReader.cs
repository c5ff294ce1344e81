using System.Globalization;
using LayeredPrefill.IO;

namespace LayeredPrefill.Workloads;

/// <summary>Reads request traces from CSV in the length-only, Vidur/Sarathi or Splitwise/Azure layout (see <see cref="TraceColumns"/>).</summary>
/// <remarks>
/// Accepts a UTF-8 BOM, UTF-16 with a BOM, CRLF, blank lines, extra columns, a repeated header line (concatenated
/// files) and out-of-order timestamps (sorted stably, counted). Anything else wrong is refused as
/// "source:line:column: what", line and column (the CSV field number) 1-based. Files stream through
/// <see cref="BoundedFile"/>: memory is the rows kept (24 bytes each), not the file.
/// </remarks>
public static class TraceReader
{
    /// <summary>Lengths above this are refused as corrupt: no served model reads ten million tokens.</summary>
    public const int MaxTokens = 10_000_000;

    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", "yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz", "yyyy-MM-ddTHH:mm:ss.FFFFFFFZ",
    ];

    /// <summary>Rows a trace of any layout may have: each is kept in memory (24 bytes), so this bounds a trace at about half a gigabyte.</summary>
    public const int MaxRows = 20_000_000;

    /// <summary>Reads the trace file at <paramref name="path"/>, streaming it through the bounded reader; it is called <paramref name="name"/>, else after the file.</summary>
    public static Trace ReadFile(string path, string? name = null) => ReadFile(path, name, MaxRows);

    /// <summary>As <see cref="ReadFile(string, string?)"/>, refusing a trace of more than <paramref name="maxRows"/> rows.</summary>
    internal static Trace ReadFile(string path, string? name, int maxRows)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UserInputException("--trace-file: the path is empty");
        // Column numbers in messages are CSV field numbers, also for bytes that are not text.
        using var lines = BoundedFile.OpenLines(path, ReadLimits.Trace, prefix => CsvLine.FieldNumberAt(prefix));
        return Read(lines.ReadLine, path, name ?? Path.GetFileNameWithoutExtension(path), maxRows);
    }

    /// <summary>Parses CSV text; <paramref name="source"/> names it in messages.</summary>
    public static Trace Parse(string text, string source, string name)
    {
        using var reader = new StringReader(text);
        return Read(reader, source, name);
    }

    /// <summary>Reads CSV from <paramref name="reader"/>; <paramref name="source"/> names it in messages.</summary>
    public static Trace Read(TextReader reader, string source, string name) => Read(reader.ReadLine, source, name, MaxRows);

    private static Trace Read(Func<string?> readLine, string source, string name, int maxRows)
    {
        int lineNumber = 0;
        TraceColumns? columns = null;
        List<string>? header = null;
        var rows = new List<TraceRow>();
        var dateTimes = new List<long>();
        string? line;
        while ((line = readLine()) is not null)
        {
            lineNumber++;
            if (lineNumber == 1) line = line.TrimStart('\uFEFF');
            if (string.IsNullOrWhiteSpace(line)) continue;
            List<string> fields = CsvLine.Split(line, out int badField)
                ?? throw TraceValues.Error(source, lineNumber, badField, "unclosed double quote");
            if (columns is null)
            {
                columns = TraceColumns.FromHeader(fields, source, lineNumber);
                header = fields;
                continue;
            }
            // Concatenated CSV files repeat their header: a line equal to the header is skipped, not read as data.
            if (fields.SequenceEqual(header!, StringComparer.Ordinal)) continue;
            if (fields.Count != columns.FieldCount)
                throw TraceValues.Error(source, lineNumber, Math.Min(fields.Count, columns.FieldCount) + 1,
                    $"expected {columns.FieldCount} fields as in the header, found {fields.Count}");
            int prompt = TraceValues.Tokens(fields[columns.Prompt], columns.PromptName, source, lineNumber, columns.Prompt + 1);
            int output = TraceValues.Tokens(fields[columns.Output], columns.OutputName, source, lineNumber, columns.Output + 1);
            double? arrival = null;
            if (columns.Time is int t)
            {
                if (columns.TimeIsDateTime) dateTimes.Add(DateTimeTicks(fields[t], columns.TimeName!, source, lineNumber, t + 1));
                else arrival = TraceValues.Seconds(fields[t], columns.TimeName!, source, lineNumber, t + 1);
            }
            TraceValues.Keep(rows, new TraceRow(prompt, output, arrival), source, lineNumber, maxRows);
        }
        if (columns is null)
            throw TraceValues.Error(source, 1, 1, "empty file (expected a header such as num_prefill_tokens,num_decode_tokens)");
        if (rows.Count == 0)
            throw TraceValues.Error(source, lineNumber + 1, 1, "no data rows after the header");
        // Splitwise stamps are wall-clock; the trace starts at its earliest one.
        if (columns.TimeIsDateTime) TraceValues.ArrivalsFromTicks(rows, dateTimes);
        rows.TrimExcess();
        if (columns.Time is null) return new Trace(name, rows, HasTimestamps: false, OutOfOrderRowsSorted: 0);
        var (sorted, outOfOrder) = TraceValues.Sorted(rows);
        return new Trace(name, sorted, HasTimestamps: true, outOfOrder);
    }

    private static long DateTimeTicks(string text, string column, string source, int line, int col)
    {
        if (DateTimeOffset.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out DateTimeOffset stamp))
            return stamp.UtcTicks;
        throw TraceValues.Error(source, line, col, $"{column} is not a timestamp like 2023-11-16 18:17:03.9799600 (got '{Echo.Of(text)}')");
    }
}
