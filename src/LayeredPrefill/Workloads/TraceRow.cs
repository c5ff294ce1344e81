namespace LayeredPrefill.Workloads;

/// <summary>One request of a trace: its lengths and, for timestamped traces, when it arrived (seconds from the trace's start).</summary>
/// <remarks>A value type: a trace of millions of rows is one array of 24-byte rows, not millions of objects.</remarks>
public readonly record struct TraceRow(int PromptTokens, int OutputTokens, double? ArrivalSeconds);
