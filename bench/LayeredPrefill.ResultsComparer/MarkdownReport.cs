using System.Globalization;
using System.Text;

namespace LayeredPrefill.ResultsComparer;

/// <summary>Renders a <see cref="GateReport"/> as a GitHub Markdown table and a one-line verdict.</summary>
public static class MarkdownReport
{
    private const string SuitePrefix = "LayeredPrefill.Benchmarks.Suites.";

    /// <summary>The table (benchmark, metric, baseline, now, change, verdict) and the closing verdict.</summary>
    public static string Render(GateReport report)
    {
        var o = report.Options;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Timings: Mann–Whitney equivalence test, threshold {o.TimingThresholdPercent:0.##}%, alpha {o.SignificanceLevel:0.####}, noise floor {o.NoiseFloorMicroseconds:0.##} µs, against {(report.TimingsFromReference ? "the baseline's build run in this job" : "the baseline's own samples")}{(o.GateTimings ? "" : " (reported, not gated)")}; simulated metrics: relative tolerance {o.MetricRelativeTolerance:G3}{(o.GateMetrics ? "" : " (reported, not gated)")}.");
        text.AppendLine();
        text.AppendLine("| benchmark | metric | baseline | now | change | verdict |");
        text.AppendLine("|---|---|---:|---:|---:|---|");
        foreach (var row in report.Rows)
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {ShortName(row.Benchmark)} | {MetricName(row)} | {Value(row, row.Baseline)} | {Value(row, row.Now)} | {Change(row)} | {row.Verdict.Text()} |");
        text.AppendLine();
        if (GeometricMean(report) is { } g)
            text.AppendLine(CultureInfo.InvariantCulture, $"Geometric mean of the median time ratios (now / baseline) over {g.Count} benchmarks: {g.Ratio:0.000} ({(g.Ratio - 1):+0.0%;-0.0%;0.0%}).");
        var failures = report.Failures.ToArray();
        text.AppendLine(failures.Length == 0
            ? $"PASSED: {report.Rows.Count} rows, no regression."
            : $"FAILED: {failures.Length} of {report.Rows.Count} rows regressed ({string.Join(", ", failures.GroupBy(f => f.Verdict).Select(g => $"{g.Count()} {g.Key.Text().Trim('*').ToLowerInvariant()}"))}). If the change is intended, accept it with scripts/bench-ci.sh --update-baseline.");
        return text.ToString();
    }

    /// <summary>The geometric mean of now / baseline median times over the benchmarks timed in both (dotnet/performance's summary), or null.</summary>
    public static (double Ratio, int Count)? GeometricMean(GateReport report)
    {
        var ratios = report.Rows.Where(r => r.Metric == "time" && r.Baseline > 0 && r.Now > 0 && double.IsFinite(r.Baseline) && double.IsFinite(r.Now))
            .Select(r => Math.Log(r.Now / r.Baseline)).ToArray();
        return ratios.Length == 0 ? null : (Math.Exp(ratios.Average()), ratios.Length);
    }

    /// <summary>The full name without the suite namespace and with unquoted parameter values.</summary>
    public static string ShortName(string fullName) =>
        (fullName.StartsWith(SuitePrefix, StringComparison.Ordinal) ? fullName[SuitePrefix.Length..] : fullName)
            .Replace("\"", "", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);

    private static string MetricName(GateRow row) => row.Metric == "time" ? "time (median)" : row.Metric;

    private static string Value(GateRow row, double value)
    {
        if (double.IsNaN(value)) return "-";
        if (row.Unit == "ns") return FormatTime(value);
        return value.ToString("G6", CultureInfo.InvariantCulture);
    }

    private static string FormatTime(double ns) => ns switch
    {
        >= 1e9 => (ns / 1e9).ToString("0.000", CultureInfo.InvariantCulture) + " s",
        >= 1e6 => (ns / 1e6).ToString("0.000", CultureInfo.InvariantCulture) + " ms",
        >= 1e3 => (ns / 1e3).ToString("0.000", CultureInfo.InvariantCulture) + " µs",
        _ => ns.ToString("0.0", CultureInfo.InvariantCulture) + " ns",
    };

    private static string Change(GateRow row)
    {
        double change = row.RelativeChange;
        if (double.IsNaN(change)) return "-";
        if (change == 0) return "0";
        // Deterministic metrics change by tiny amounts when they change at all; show enough digits.
        string format = Math.Abs(change) < 1e-3 ? "+0.###E+0;-0.###E+0" : "+0.0%;-0.0%";
        return change.ToString(format, CultureInfo.InvariantCulture);
    }
}
