namespace LayeredPrefill.Workloads;

/// <summary>The request-length traces embedded in the library, by name (see Traces/PROVENANCE.md).</summary>
public static class TraceCatalog
{
    private static readonly (string Name, string Stem)[] Entries =
    [
        ("arxiv-long", "arxiv_long_sample"),
        ("arxiv", "arxiv_summarization"),
        ("sharegpt", "sharegpt_8k"),
    ];

    /// <summary>Short names of the embedded traces; their file stems (e.g. sharegpt_8k) are accepted too.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Select(e => e.Name).ToArray();

    /// <summary>True when <paramref name="name"/> is an embedded trace's short name or file stem.</summary>
    public static bool Contains(string name) => Find(name) is not null;

    /// <summary>Loads the embedded trace <paramref name="name"/>; the trace is called by its short name.</summary>
    public static Trace Load(string name)
    {
        var entry = Find(name) ?? throw new UserInputException(
            $"--trace: unknown trace '{name}' (valid: {string.Join(", ", Names)}, their file stems " +
            $"{string.Join(", ", Entries.Select(e => e.Stem))}, or a CSV file path)");
        string resource = $"LayeredPrefill.Traces.{entry.Stem}.csv";
        using Stream stream = typeof(TraceCatalog).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} is missing from the build");
        using var reader = new StreamReader(stream);
        return TraceReader.Read(reader, $"embedded {entry.Stem}.csv", entry.Name);
    }

    /// <summary>An embedded trace when <paramref name="nameOrPath"/> names one, else the CSV file at that path.</summary>
    public static Trace LoadNameOrFile(string nameOrPath)
    {
        if (Contains(nameOrPath)) return Load(nameOrPath);
        if (File.Exists(nameOrPath)) return TraceFile.Read(nameOrPath).Trace;
        return Load(nameOrPath); // reports the valid names
    }

    private static (string Name, string Stem)? Find(string name)
    {
        string key = (name ?? "").Trim();
        foreach (var entry in Entries)
            if (key.Equals(entry.Name, StringComparison.OrdinalIgnoreCase) || key.Equals(entry.Stem, StringComparison.OrdinalIgnoreCase)
                || key.Equals(entry.Stem + ".csv", StringComparison.OrdinalIgnoreCase))
                return entry;
        return null;
    }
}
