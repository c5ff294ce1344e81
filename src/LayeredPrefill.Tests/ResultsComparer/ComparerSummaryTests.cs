using LayeredPrefill.ResultsComparer;
using LayeredPrefill.Tests.Experiments;

namespace LayeredPrefill.Tests.ResultsComparer;

/// <summary>ResultsComparer's conveniences: --filter globs, the geometric-mean summary and the CSV table.</summary>
public sealed class ComparerSummaryTests
{
    private static BenchmarkResult Case(string name, double ns) => new(name, Enumerable.Repeat(ns, 15).ToArray(), new Dictionary<string, double>(), "x.json");

    private static readonly BenchmarkResult[] Baseline =
    [
        Case("LayeredPrefill.Benchmarks.Suites.Serving.Chunked(Model: \"qwen3-30b-a3b\", Trace: \"arxiv\")", 1e8),
        Case("LayeredPrefill.Benchmarks.Suites.Serving.Layered(Model: \"qwen3-30b-a3b\", Trace: \"arxiv\")", 2e8),
        Case("LayeredPrefill.Benchmarks.Suites.Simulator.Simulate(Requests: 50, Policy: \"chunked\")", 4e7),
    ];

    [Fact]
    public void Filter_globs_select_by_full_or_short_name()
    {
        Assert.Equal(2, NameFilter.Apply(Baseline, ["*Serving*"]).Count);
        Assert.Single(NameFilter.Apply(Baseline, ["Serving.Layered*"]));
        Assert.Equal(3, NameFilter.Apply(Baseline, []).Count);
    }

    [Fact]
    public void Geometric_mean_of_time_ratios_and_a_plain_number_csv()
    {
        var now = new[] { Case(Baseline[0].FullName, 2e8), Case(Baseline[1].FullName, 1e8), Case(Baseline[2].FullName, 4e7) };
        var report = Gate.Compare(Baseline, now, new GateOptions(GateTimings: false));
        var (ratio, count) = MarkdownReport.GeometricMean(report)!.Value;
        Assert.Equal(3, count);
        Assert.Equal(1.0, ratio, 9); // 2 × 0.5 × 1
        Assert.Contains("Geometric mean of the median time ratios", MarkdownReport.Render(report));
        var frame = DataFrameLike.FromCsv(CsvReport.Render(report));
        Assert.Equal(["benchmark", "metric", "unit", "baseline", "now", "change", "verdict"], frame.Columns);
        Assert.True(frame.IsNumeric("baseline") && frame.IsNumeric("now") && frame.IsNumeric("change"));
    }
}
