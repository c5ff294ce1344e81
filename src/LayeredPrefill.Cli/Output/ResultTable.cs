using System.Globalization;
using LayeredPrefill.Experiments;
using LayeredPrefill.Metrics;

namespace LayeredPrefill.Cli.Output;

/// <summary>The side-by-side terminal table of one or more policies' metrics.</summary>
internal static class ResultTable
{
    private sealed record Row(string Name, Func<ServingMetrics, double> Value, string Format, bool LowerIsBetter = true, bool Neutral = false);

    private static readonly Row[] Rows =
    [
        new("TTFT mean (ms)", m => m.Ttft.MeanMs, "F1"),
        new("TTFT median (ms)", m => m.Ttft.MedianMs, "F1"),
        new("TTFT p99 (ms)", m => m.Ttft.P99Ms, "F1"),
        new("TPOT mean (ms)", m => m.Tpot.MeanMs, "F2"),
        new("TPOT p99 (ms)", m => m.Tpot.P99Ms, "F2"),
        new("ITL mean (ms)", m => m.Itl.MeanMs, "F2"),
        new("ITL p99 (ms)", m => m.Itl.P99Ms, "F2"),
        new("ITL p99.9 (ms)", m => m.Itl.P999Ms, "F2"),
        new("ITL max (ms)", m => m.Itl.MaxMs, "F2"),
        new("E2E mean (ms)", m => m.E2el.MeanMs, "F0"),
        new("E2E p99 (ms)", m => m.E2el.P99Ms, "F0"),
        new("SLO attainment (%)", m => m.SloAttainment * 100, "F1", LowerIsBetter: false),
        new("SLO goodput (req/s)", m => m.GoodputRequestsPerSecond, "F3", LowerIsBetter: false),
        new("output tokens/s", m => m.OutputThroughput, "F1", LowerIsBetter: false),
        new("expert GB / token", m => m.ExpertBytesPerToken / 1e9, "F4"),
        new("expert GB total", m => m.ExpertWeightBytes / 1e9, "F1"),
        new("J / token", m => m.EnergyPerTokenJoules, "F4"),
        new("J / output token", m => m.EnergyPerOutputTokenJoules, "F3"),
        new("iterations", m => m.Iterations, "F0", Neutral: true),
        new("preemptions", m => m.Preemptions, "F0"),
    ];

    public static TextTable Build(IReadOnlyList<RunReport> reports)
    {
        bool ratio = reports.Count == 2;
        var header = new List<string> { "metric" };
        header.AddRange(reports.Select(r => r.Spec.Policy.Name));
        if (ratio) header.Add($"{reports[1].Spec.Policy.Name} vs {reports[0].Spec.Policy.Name}");
        var table = new TextTable(header, header.Select((_, i) => i > 0).ToArray());
        foreach (var row in Rows)
        {
            var cells = new List<string> { row.Name };
            cells.AddRange(reports.Select(r => Format(row.Value(r.Metrics), row.Format)));
            if (ratio) cells.Add(Change(row.Value(reports[0].Metrics), row.Value(reports[1].Metrics), row.LowerIsBetter, row.Neutral));
            table.Add(cells.ToArray());
        }
        return table;
    }

    private static string Format(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "—";

    private static string Change(double baseline, double value, bool lowerIsBetter, bool neutral)
    {
        if (!double.IsFinite(baseline) || !double.IsFinite(value) || baseline == 0) return "—";
        double change = (value - baseline) / Math.Abs(baseline) * 100;
        string sign = change >= 0 ? "+" : "";
        string verdict = neutral || Math.Abs(change) < 0.5 ? "" : (change < 0) == lowerIsBetter ? " better" : " worse";
        return $"{sign}{change.ToString("F1", CultureInfo.InvariantCulture)}%{verdict}";
    }
}
