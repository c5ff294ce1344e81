namespace LayeredPrefill.ResultsComparer;

/// <summary>The outcome of comparing a run with its baseline.</summary>
/// <param name="TimingsFromReference">True when the timings' "baseline" column is the baseline's build measured in this job.</param>
public sealed record GateReport(IReadOnlyList<GateRow> Rows, GateOptions Options, bool TimingsFromReference = false)
{
    /// <summary>True when no row is a regression.</summary>
    public bool Passed => !Rows.Any(r => r.Verdict.Fails());

    /// <summary>The rows that fail the gate.</summary>
    public IEnumerable<GateRow> Failures => Rows.Where(r => r.Verdict.Fails());
}

/// <summary>Matches benchmark cases by full name and judges their timings and deterministic metrics.</summary>
public static class Gate
{
    /// <summary>
    /// Compares <paramref name="now"/> with <paramref name="baseline"/>. With <paramref name="timingReference"/> (the baseline's
    /// build measured in the same job as <paramref name="now"/>), timings are judged against it rather than against the
    /// baseline's own samples: a shared machine's speed drifts by more than the threshold between days, not between minutes.
    /// </summary>
    public static GateReport Compare(IReadOnlyList<BenchmarkResult> baseline, IReadOnlyList<BenchmarkResult> now, GateOptions options,
        IReadOnlyList<BenchmarkResult>? timingReference = null)
    {
        options.Validate();
        var current = now.ToDictionary(r => r.FullName, StringComparer.Ordinal);
        var reference = timingReference?.ToDictionary(r => r.FullName, StringComparer.Ordinal);
        var rows = new List<GateRow>();
        foreach (var b in baseline)
        {
            if (!current.TryGetValue(b.FullName, out var n))
            {
                rows.Add(new GateRow(b.FullName, "time", TimingTest.Median(b.NanosecondsPerOperation), double.NaN, "ns", Verdict.Missing));
                continue;
            }
            IReadOnlyList<double>? then = reference is null ? b.NanosecondsPerOperation
                : reference.TryGetValue(b.FullName, out var r) ? r.NanosecondsPerOperation : null;
            rows.Add(then is null
                ? new GateRow(b.FullName, "time", double.NaN, TimingTest.Median(n.NanosecondsPerOperation), "ns", Verdict.Missing)
                : new GateRow(b.FullName, "time", TimingTest.Median(then), TimingTest.Median(n.NanosecondsPerOperation), "ns",
                    TimingTest.Compare(then, n.NanosecondsPerOperation, options with { GateTimings = options.GatesTimingOf(b.FullName) })));
            foreach (var (id, value) in b.Metrics.Where(m => MetricTest.IsDeterministic(m.Key)).OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                rows.Add(n.Metrics.TryGetValue(id, out double nowValue)
                    ? new GateRow(b.FullName, id, value, nowValue, "", MetricTest.Compare(value, nowValue, options))
                    : new GateRow(b.FullName, id, value, double.NaN, "", Verdict.Missing));
            }
            foreach (var (id, value) in n.Metrics.Where(m => MetricTest.IsDeterministic(m.Key) && !b.Metrics.ContainsKey(m.Key)).OrderBy(m => m.Key, StringComparer.Ordinal))
                rows.Add(new GateRow(b.FullName, id, double.NaN, value, "", Verdict.New));
        }
        var known = baseline.Select(b => b.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (var n in now.Where(n => !known.Contains(n.FullName)))
            rows.Add(new GateRow(n.FullName, "time", double.NaN, TimingTest.Median(n.NanosecondsPerOperation), "ns", Verdict.New));
        return new GateReport(rows, options, reference is not null);
    }
}
