namespace LayeredPrefill.ResultsComparer;

/// <summary>One benchmark case read from a BenchmarkDotNet Full JSON report.</summary>
/// <param name="FullName">BenchmarkDotNet's full name (type, method and parameters): the key matched across runs.</param>
/// <param name="NanosecondsPerOperation">The measured (Result stage) iterations, in ns per operation.</param>
/// <param name="Metrics">Metric values by descriptor id (domain metrics, allocations...).</param>
/// <param name="Source">File the case came from, for messages.</param>
public sealed record BenchmarkResult(
    string FullName,
    IReadOnlyList<double> NanosecondsPerOperation,
    IReadOnlyDictionary<string, double> Metrics,
    string Source);
