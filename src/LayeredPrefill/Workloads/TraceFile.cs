namespace LayeredPrefill.Workloads;

/// <summary>
/// Reads a trace file in whichever layout it is, picking the reader by its first line: Mooncake / vLLM timed-trace JSONL
/// (<see cref="JsonlTraceReader"/>), BurstGPT (<see cref="BurstGptTraceReader"/>), Date,Time,PromptTokenCount,CompletionTokenCount
/// (<see cref="DateTimeCountsTraceReader"/>), else the length-only, Vidur and Splitwise/Azure CSV layouts of <see cref="TraceReader"/>.
/// </summary>
public static class TraceFile
{
    /// <summary>The trace at <paramref name="path"/>; it is called <paramref name="name"/>, else after the file.</summary>
    public static TraceRead Read(string path, string? name = null) => Read(path, name, TraceReader.MaxRows);

    /// <summary>As <see cref="Read(string, string?)"/>, refusing a trace of more than <paramref name="maxRows"/> rows, whatever its layout.</summary>
    internal static TraceRead Read(string path, string? name, int maxRows)
    {
        if (Directory.Exists(path)) throw new UserInputException($"{path}: cannot read the trace (it is a directory, not a trace file)");
        name ??= Path.GetFileNameWithoutExtension(path);
        if (string.IsNullOrWhiteSpace(path)) throw new UserInputException("--trace-file: the path is empty");
        // Only a regular file (a link's target counts) is sniffed: peeking at a FIFO or device would consume what the reader then
        // needs. Those, an empty file and a missing path go to the CSV reader, which reads a stream once and says what is wrong.
        var stat = LayeredPrefill.IO.FileStat.Of(path, followLinks: true);
        if (stat.Kind != LayeredPrefill.IO.FileKind.Regular || stat.Size == 0)
            return new(TraceReader.ReadFile(path, name, maxRows), []);
        string? first;
        using (var lines = LayeredPrefill.IO.BoundedFile.OpenLines(path, LayeredPrefill.IO.ReadLimits.Trace, prefix => CsvLine.FieldNumberAt(prefix)))
            do first = lines.ReadLine(); while (first is not null && string.IsNullOrWhiteSpace(first));
        string head = (first ?? "").TrimStart('\uFEFF').Trim();
        if (head.StartsWith('{') || path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)) return new(JsonlTraceReader.ReadFile(path, name, maxRows), []);
        var columns = CsvLine.Split(head, out _)?.Select(c => c.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        if (columns.Contains("Request tokens") && columns.Contains("Response tokens")) return BurstGptTraceReader.ReadFile(path, name, maxRows);
        if (columns.Contains("PromptTokenCount") && columns.Contains("CompletionTokenCount")) return new(DateTimeCountsTraceReader.ReadFile(path, name, maxRows), []);
        return new(TraceReader.ReadFile(path, name, maxRows), []);
    }
}
