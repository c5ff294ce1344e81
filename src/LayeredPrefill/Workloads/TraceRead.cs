namespace LayeredPrefill.Workloads;

/// <summary>A trace read from a file, with notes for the user about rows the reader left out (e.g. BurstGPT's failed requests).</summary>
public sealed record TraceRead(Trace Trace, IReadOnlyList<string> Notes);
