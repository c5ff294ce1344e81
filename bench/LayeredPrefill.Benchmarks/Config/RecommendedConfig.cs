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
    /// <summary>The config for a normal run (the CI subset adds its jobs and filter to it).</summary>
    public static ManualConfig Create() =>
        ManualConfig.CreateEmpty()
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(CategoriesColumn.Default)
            .AddLogger(ConsoleLogger.Default)
            .AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray())
            .AddValidator(DefaultConfig.Instance.GetValidators().ToArray())
            .AddValidator(MandatoryCategoryValidator.Default)
            .AddExporter(JsonExporter.Full, CsvExporter.Default, MarkdownExporter.GitHub)
            .AddDiagnoser(DomainMetricsDiagnoser.Default);
}
