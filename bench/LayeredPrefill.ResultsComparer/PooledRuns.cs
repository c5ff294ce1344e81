namespace LayeredPrefill.ResultsComparer;

/// <summary>
/// Several runs of one build read as one: each case's measured iterations concatenated, so runs taken
/// before and after another build's (A B B A) cancel the machine's drift between them.
/// </summary>
public static class PooledRuns
{
    /// <summary>Every folder in <paramref name="paths"/> read and pooled; <paramref name="role"/> names the option in messages.</summary>
    public static IReadOnlyList<BenchmarkResult> Read(IReadOnlyList<string> paths, string role, GateOptions options)
    {
        if (paths.Count == 0) throw new UserInputException($"{role} needs at least one folder");
        return Pool(paths.Select(p => FullJsonReader.ReadAll(p, role)).ToList(), role, options);
    }

    /// <summary>
    /// The runs pooled. The runs must hold the same cases with the same deterministic metrics (they are runs of one
    /// build): a case in one run only, or a Sim.* metric that one run lacks or that differs beyond the gate's tolerance,
    /// is refused rather than silently mixed.
    /// </summary>
    public static IReadOnlyList<BenchmarkResult> Pool(IReadOnlyList<IReadOnlyList<BenchmarkResult>> runs, string role, GateOptions options)
    {
        if (runs.Count == 1) return runs[0];
        var first = runs[0];
        var pooled = new List<BenchmarkResult>(first.Count);
        var names = first.Select(r => r.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (var run in runs.Skip(1))
        {
            var extra = run.FirstOrDefault(r => !names.Contains(r.FullName));
            if (extra is not null) throw new UserInputException($"{role}: '{extra.FullName}' is in {extra.Source} but not in every run");
        }
        foreach (var result in first)
        {
            var times = new List<double>(result.NanosecondsPerOperation);
            foreach (var run in runs.Skip(1))
            {
                var same = run.FirstOrDefault(r => r.FullName == result.FullName)
                    ?? throw new UserInputException($"{role}: '{result.FullName}' is in {result.Source} but not in every run");
                var ids = result.Metrics.Keys.Concat(same.Metrics.Keys).Where(MetricTest.IsDeterministic).Distinct();
                foreach (string id in ids)
                    if (!result.Metrics.TryGetValue(id, out double value) || !same.Metrics.TryGetValue(id, out double other)
                        || MetricTest.Compare(value, other, options with { GateMetrics = true }) != Verdict.Same)
                        throw new UserInputException($"{role}: '{result.FullName}' {id} differs between {result.Source} and {same.Source}: these are not runs of one build");
                times.AddRange(same.NanosecondsPerOperation);
            }
            pooled.Add(result with { NanosecondsPerOperation = times });
        }
        return pooled;
    }
}
