using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Loggers;
using LayeredPrefill.Benchmarks.Metrics;

namespace LayeredPrefill.Benchmarks.Config;

/// <summary>
/// The suite's config: Full JSON (what the regression gate reads), CSV and GitHub Markdown exporters,
/// the domain metric columns, category columns, and the mandatory-category check.
/// </summary>
public static class RecommendedConfig
{
    /// <summary>
    /// The CSV exporter with plain numbers, as pandas reads them: units in the header only ("Mean [ms]"), none in the cells,
    /// invariant culture (no thousands separators), times in ms and sizes in KB throughout.
    /// </summary>
    public static readonly CsvExporter PlainCsv = new(CsvSeparator.Comma,
        new BenchmarkDotNet.Reports.SummaryStyle(PlainNumbers(), printUnitsInHeader: true,
            sizeUnit: Perfolizer.Metrology.SizeUnit.KB, timeUnit: Perfolizer.Horology.TimeUnit.Millisecond, printUnitsInContent: false));

    // BenchmarkDotNet formats cells with "N" formats, which group thousands ("1,234.5") even in the invariant culture.
    private static System.Globalization.CultureInfo PlainNumbers()
    {
        var culture = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberGroupSeparator = "";
        return culture;
    }

    /// <summary>The config for a normal run (the CI subset adds its jobs and filter to it).</summary>
    public static ManualConfig Create() =>
        ManualConfig.CreateEmpty()
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(CategoriesColumn.Default)
            .AddLogger(ConsoleLogger.Default)
            .AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray())
            .AddValidator(DefaultConfig.Instance.GetValidators().ToArray())
            .AddValidator(MandatoryCategoryValidator.Default)
            .AddExporter(JsonExporter.Full, PlainCsv, MarkdownExporter.GitHub)
            .AddDiagnoser(DomainMetricsDiagnoser.Default);
}
