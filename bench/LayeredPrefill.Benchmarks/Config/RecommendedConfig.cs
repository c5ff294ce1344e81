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
    /// <summary>The config for a normal run; <paramref name="ci"/> adds the CI job and subset.</summary>
    public static IConfig Create(bool ci = false)
    {
        var config = ManualConfig.CreateEmpty()
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(CategoriesColumn.Default)
            .AddLogger(ConsoleLogger.Default)
            .AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray())
            .AddValidator(DefaultConfig.Instance.GetValidators().ToArray())
            .AddValidator(MandatoryCategoryValidator.Default)
            .AddExporter(JsonExporter.Full, CsvExporter.Default, MarkdownExporter.GitHub)
            .AddDiagnoser(DomainMetricsDiagnoser.Default);
        if (ci) config = config.AddJob(CiSubset.Job, CiSubset.WallClockJob).AddFilter(CiSubset.Filter);
        return config;
    }
}
