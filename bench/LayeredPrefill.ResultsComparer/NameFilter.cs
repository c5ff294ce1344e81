using System.Text.RegularExpressions;

namespace LayeredPrefill.ResultsComparer;

/// <summary>ResultsComparer's --filter: globs (* and ?) matched against a benchmark's full name, any of them selecting it.</summary>
public static class NameFilter
{
    /// <summary>The results whose full name matches one of <paramref name="globs"/> (all of them when none is given).</summary>
    public static IReadOnlyList<BenchmarkResult> Apply(IReadOnlyList<BenchmarkResult> results, IReadOnlyList<string> globs)
    {
        if (globs.Count == 0) return results;
        var patterns = globs.Select(g => new Regex("^" + Regex.Escape(g).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)).ToArray();
        return results.Where(r => patterns.Any(p => p.IsMatch(r.FullName) || p.IsMatch(MarkdownReport.ShortName(r.FullName)))).ToArray();
    }
}
