namespace LayeredPrefill.Workloads;

/// <summary>A request trace as read: rows in time order when it has timestamps, else in file order.</summary>
/// <param name="OutOfOrderRowsSorted">Rows whose timestamp was earlier than a row above them; they were sorted into place (stable) and the CLI warns once.</param>
public sealed record Trace(string Name, IReadOnlyList<TraceRow> Rows, bool HasTimestamps, int OutOfOrderRowsSorted)
{
    /// <summary>A trace of <paramref name="count"/> copies of <paramref name="row"/> (a synthetic workload), held as one row.</summary>
    public static Trace Repeated(string name, TraceRow row, int count) => new(name, new RepeatedRows(row, count), row.ArrivalSeconds is not null, 0);

    private sealed class RepeatedRows(TraceRow row, int count) : IReadOnlyList<TraceRow>
    {
        public TraceRow this[int index] => (uint)index < (uint)count ? row : throw new ArgumentOutOfRangeException(nameof(index));
        public int Count => count;
        public IEnumerator<TraceRow> GetEnumerator() => Enumerable.Repeat(row, count).GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
