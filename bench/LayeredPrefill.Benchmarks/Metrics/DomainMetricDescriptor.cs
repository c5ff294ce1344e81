using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;

namespace LayeredPrefill.Benchmarks.Metrics;

/// <summary>
/// One domain metric column. Ids starting with <see cref="DomainMetrics.SimulatedPrefix"/> are
/// deterministic (simulated time, traffic, energy): the regression gate holds them to a tight
/// tolerance; the others are measured on this machine and only reported.
/// </summary>
public sealed record DomainMetricDescriptor(
    string Id,
    string DisplayName,
    string Legend,
    string NumberFormat,
    bool TheGreaterTheBetter,
    int PriorityInCategory) : IMetricDescriptor
{
    /// <summary>Units live in the display name, so BenchmarkDotNet prints the number as it is (F formats: no thousands separators, so the CSV cells stay plain numbers).</summary>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <summary>No unit suffix: the display name carries it.</summary>
    public string Unit => "";

    /// <summary>NaN means the run had no such sample (e.g. no request completed); the cell shows '-'.</summary>
    public bool GetIsAvailable(Metric metric) => !double.IsNaN(metric.Value);
}
