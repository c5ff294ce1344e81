namespace LayeredPrefill.Workloads;

/// <summary>How a trace's header maps to lengths and arrival times: which layout it is and where each needed column sits.</summary>
/// <remarks>
/// Layouts: length-only (num_prefill_tokens,num_decode_tokens[,...]); Vidur/Sarathi (arrived_at in seconds);
/// Splitwise/Azure (TIMESTAMP,ContextTokens,GeneratedTokens with date-time stamps). Names match case-insensitively,
/// in any order, and other columns are ignored.
/// </remarks>
internal sealed record TraceColumns(int FieldCount, int Prompt, int Output, int? Time, bool TimeIsDateTime, string PromptName, string OutputName, string? TimeName)
{
    /// <summary>Finds the needed columns in the header fields of <paramref name="source"/>.</summary>
    public static TraceColumns FromHeader(IReadOnlyList<string> header, string source, int line)
    {
        // Spreadsheets in many locales export with ';' (and decimal commas), others with tabs: say so instead of "no column".
        if (header.Count == 1 && (header[0].Contains(';') || header[0].Contains('\t')))
            throw new UserInputException($"{source}:{line}:1: fields are separated by {(header[0].Contains(';') ? "';'" : "tabs")}, not commas; traces are comma-separated CSV with '.' decimals");
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Count; i++)
        {
            if (header[i].Length == 0)
                throw new UserInputException($"{source}:{line}:{i + 1}: header column {i + 1} has no name");
            if (!index.TryAdd(header[i], i))
                throw new UserInputException($"{source}:{line}:{i + 1}: header repeats column '{IO.Echo.Of(header[i])}'");
        }
        bool splitwise = !index.ContainsKey("num_prefill_tokens") && (index.ContainsKey("ContextTokens") || index.ContainsKey("TIMESTAMP"));
        (string prompt, string output) = splitwise ? ("ContextTokens", "GeneratedTokens") : ("num_prefill_tokens", "num_decode_tokens");
        string? time = index.ContainsKey("arrived_at") ? "arrived_at" : index.ContainsKey("TIMESTAMP") ? "TIMESTAMP" : null;
        foreach (string needed in new[] { prompt, output })
        {
            if (!index.ContainsKey(needed))
                throw new UserInputException(
                    $"{source}:{line}:1: header lacks column '{needed}' (found: {IO.Echo.Of(string.Join(",", header), 120)}; expected " +
                    "num_prefill_tokens,num_decode_tokens[,arrived_at] or TIMESTAMP,ContextTokens,GeneratedTokens)");
        }
        return new TraceColumns(header.Count, index[prompt], index[output], time is null ? null : index[time],
            TimeIsDateTime: time == "TIMESTAMP", prompt, output, time);
    }
}
