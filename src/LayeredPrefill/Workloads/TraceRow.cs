namespace LayeredPrefill.Workloads;

/// <summary>One request of a trace: its lengths and, for timestamped traces, when it arrived (seconds from the trace's start).</summary>
public sealed record TraceRow(int PromptTokens, int OutputTokens, double? ArrivalSeconds);
