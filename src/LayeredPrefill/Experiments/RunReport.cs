using LayeredPrefill.Metrics;
using LayeredPrefill.Serving;

namespace LayeredPrefill.Experiments;

/// <summary>One finished run: its spec, raw timelines and derived metrics.</summary>
public sealed record RunReport(ExperimentSpec Spec, RunResult Run, ServingMetrics Metrics, long KvCapacityTokens, double WallSeconds);
