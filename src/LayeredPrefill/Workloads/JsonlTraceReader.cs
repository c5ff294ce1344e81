using System.Text.Json;

namespace LayeredPrefill.Workloads;

/// <summary>
/// Mooncake's trace JSONL, which vLLM's timed_trace dataset replays: one object per line with "timestamp" (milliseconds, as
/// Mooncake writes it), "input_length" and "output_length" (tokens); other fields ("hash_ids") are ignored. Arrivals count
/// from the earliest timestamp; --time-scale speeds them up.
/// </summary>
public static class JsonlTraceReader
{
    /// <summary>The trace at <paramref name="path"/>, called <paramref name="name"/>.</summary>
    public static Trace ReadFile(string path, string name) => ReadFile(path, name, TraceReader.MaxRows);

    /// <summary>As <see cref="ReadFile(string, string)"/>, refusing a trace of more than <paramref name="maxRows"/> rows.</summary>
    internal static Trace ReadFile(string path, string name, int maxRows)
    {
        var rows = new List<TraceRow>();
        using var lines = LayeredPrefill.IO.BoundedFile.OpenLines(path, LayeredPrefill.IO.ReadLimits.Trace);
        int lineNumber = 0;
        string? line;
        while ((line = lines.ReadLine()) is not null)
        {
            lineNumber++;
            if (lineNumber == 1) line = line.TrimStart('\uFEFF');
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                throw TraceValues.Error(path, lineNumber, (int)(e.BytePositionInLine ?? 0) + 1, "malformed JSON line");
            }
            using (doc)
            {
                var o = doc.RootElement;
                if (o.ValueKind != JsonValueKind.Object) throw TraceValues.Error(path, lineNumber, 1, "expected one JSON object per line");
                double ms = Number(o, "timestamp", "milliseconds", path, lineNumber);
                long prompt = (long)Number(o, "input_length", "tokens", path, lineNumber, whole: true);
                long output = (long)Number(o, "output_length", "tokens", path, lineNumber, whole: true);
                if (prompt == 0) throw TraceValues.Error(path, lineNumber, 1, "input_length must be > 0 tokens (got 0)");
                if (output == 0) throw TraceValues.Error(path, lineNumber, 1, "output_length must be > 0 tokens (got 0)");
                if (prompt > TraceReader.MaxTokens || output > TraceReader.MaxTokens)
                    throw TraceValues.Error(path, lineNumber, 1, $"input_length or output_length exceeds the limit of {TraceReader.MaxTokens} tokens");
                TraceValues.Keep(rows, new TraceRow((int)prompt, (int)output, ms / 1000.0), path, lineNumber, maxRows);
            }
        }
        if (rows.Count == 0) throw TraceValues.Error(path, lineNumber + 1, 1, "no requests (expected JSON lines with timestamp, input_length, output_length)");
        var (sorted, outOfOrder) = TraceValues.Sorted(TraceValues.FromFirst(rows));
        return new Trace(name, sorted, HasTimestamps: true, outOfOrder);
    }

    private static double Number(JsonElement o, string field, string unit, string path, int line, bool whole = false)
    {
        if (!o.TryGetProperty(field, out var v)) throw TraceValues.Error(path, line, 1, $"field '{field}' is missing");
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d) || !double.IsFinite(d))
            throw TraceValues.Error(path, line, 1, $"field '{field}' must be a number of {unit} (got {LayeredPrefill.IO.Echo.Of(v.GetRawText())})");
        if (d < 0) throw TraceValues.Error(path, line, 1, $"field '{field}' must be >= 0 {unit} (got {LayeredPrefill.IO.Echo.Of(v.GetRawText())})");
        if (whole && d != Math.Floor(d)) throw TraceValues.Error(path, line, 1, $"field '{field}' must be a whole number of {unit} (got {LayeredPrefill.IO.Echo.Of(v.GetRawText())})");
        return d;
    }
}
