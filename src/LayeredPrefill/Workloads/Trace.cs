namespace LayeredPrefill.Workloads;

/// <summary>A request trace as read: rows in time order when it has timestamps, else in file order.</summary>
/// <param name="OutOfOrderRowsSorted">Rows whose timestamp was earlier than a row above them; they were sorted into place (stable) and the CLI warns once.</param>
public sealed record Trace(string Name, IReadOnlyList<TraceRow> Rows, bool HasTimestamps, int OutOfOrderRowsSorted);
