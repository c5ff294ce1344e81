using BenchmarkDotNet.Analysers;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Validators;

namespace LayeredPrefill.Benchmarks.Metrics;

/// <summary>
/// Host-side diagnoser that turns the metrics a benchmark process left in its hand-over file into
/// BenchmarkDotNet <see cref="Metric"/>s, so they become columns in the console table, CSV,
/// Markdown and the Full JSON. <see cref="RunMode.NoOverhead"/>: it adds no extra run.
/// </summary>
public sealed class DomainMetricsDiagnoser : IDiagnoser
{
    /// <summary>The one instance the config adds.</summary>
    public static readonly DomainMetricsDiagnoser Default = new();

    public IEnumerable<string> Ids => ["DomainMetrics"];
    public IEnumerable<IExporter> Exporters => [];
    public IEnumerable<IAnalyser> Analysers => [];

    public RunMode GetRunMode(BenchmarkCase benchmarkCase) => RunMode.NoOverhead;

    public void Handle(HostSignal signal, DiagnoserActionParameters parameters)
    {
        // A value left by an earlier run of the same case must never pass for this run's.
        if (signal == HostSignal.BeforeProcessStart) MetricsFile.Delete(KeyOf(parameters.BenchmarkCase));
    }

    public IEnumerable<Metric> ProcessResults(DiagnoserResults results)
    {
        var values = MetricsFile.Read(KeyOf(results.BenchmarkCase));
        foreach (var (id, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal))
            yield return new Metric(DomainMetrics.Resolve(id), value);

        // Simulator throughput: the simulated iterations of one operation over BenchmarkDotNet's own mean time.
        if (values.TryGetValue(DomainMetrics.Iterations.Id, out double iterations) && MeanSecondsPerOperation(results) is { } seconds)
            yield return new Metric(DomainMetrics.IterationsPerSecond, iterations / seconds);
    }

    public void DisplayResults(ILogger logger) { }

    public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters) => [];

    /// <summary>The hand-over key of a case: its class, method and parameter values.</summary>
    public static string KeyOf(BenchmarkCase benchmarkCase) =>
        MetricKey.For(benchmarkCase.Descriptor.Type, benchmarkCase.Descriptor.WorkloadMethod.Name,
            benchmarkCase.Parameters.Items.Select(p => (p.Name, (object?)p.Value)));

    private static double? MeanSecondsPerOperation(DiagnoserResults results)
    {
        var actual = results.Measurements
            .Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage == IterationStage.Actual && m.Operations > 0)
            .Select(m => m.Nanoseconds / m.Operations).ToArray();
        return actual.Length > 0 && actual.Average() > 0 ? actual.Average() / 1e9 : null;
    }
}
