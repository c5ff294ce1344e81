namespace LayeredPrefill.Kernels.Cuda;

/// <summary>Per-op GPU time from an event after every op of an iteration, summed over iterations by op name.</summary>
public sealed class OpProfile(EventClock clock) : IDisposable
{
    /// <summary>Most ops one layer marks.</summary>
    public const int OpsPerLayer = 16;

    private readonly List<string> _marks = [];
    private readonly Dictionary<string, (double Seconds, int Calls)> _totals = [];

    /// <summary>Totals by op name.</summary>
    public IReadOnlyDictionary<string, (double Seconds, int Calls)> Totals => _totals;

    /// <summary>Starts an iteration's marks.</summary>
    public void Begin()
    {
        _marks.Clear();
        Mark("begin");
    }

    /// <summary>Records the end of op <paramref name="name"/> (it began at the previous mark).</summary>
    public void Mark(string name)
    {
        clock.Mark(_marks.Count);
        _marks.Add(name);
    }

    /// <summary>After the stream has synchronised: adds each op's time to its total.</summary>
    public void Collect()
    {
        for (int i = 1; i < _marks.Count; i++)
        {
            var (s, c) = _totals.GetValueOrDefault(_marks[i]);
            _totals[_marks[i]] = (s + clock.Seconds(i - 1, i), c + 1);
        }
    }

    /// <summary>Forgets the totals.</summary>
    public void Reset() => _totals.Clear();

    /// <inheritdoc/>
    public void Dispose() => clock.Dispose();
}
