namespace LayeredPrefill.Reporting.Gpu;

/// <summary>Decode-only steps of one batch size on real kernels: throughput, bytes streamed per step and where the time went.</summary>
/// <param name="StepMillis">Median wall time of one step (what the serving clock charges); MinMillis/MaxMillis its spread.</param>
/// <param name="GpuMillis">Median GPU span of a step (first to last event; null off the GPU).</param>
/// <param name="HostMillis">Median host time before the first launch plus queuing every kernel (null off the GPU).</param>
/// <param name="BytesPerStep">Weights (the experts the router chose, dense, LM head), KV and activations one step reads and writes.</param>
/// <param name="FractionOfRead">BytesPerStep / StepMillis over the card's measured read bandwidth.</param>
/// <param name="OpMillis">GPU milliseconds per step of each op, summed over layers (with --profile-ops on a GPU; else null).</param>
public sealed record DecodeBenchRow(int Decodes, double TokensPerSecond, double StepMillis, double MinMillis, double MaxMillis,
    double? GpuMillis, double? HostMillis, double BytesPerStep, double BytesPerSecond, double? FractionOfRead,
    IReadOnlyDictionary<string, double>? OpMillis);

/// <summary>One prompt's whole prefill under one policy while a decode batch runs: wall time and, when profiled, GPU time per op.</summary>
public sealed record PromptBenchRow(string Policy, int PromptTokens, int Decodes, int Iterations, double Millis, double ExpertGigabytes,
    IReadOnlyDictionary<string, double>? OpMillis);

/// <summary>The decode bench of one model on one device.</summary>
/// <param name="ReadBytesPerSecond">The device's read bandwidth measured in the same run (null off the GPU).</param>
public sealed record DecodeBenchResult(GpuCard Device, string Backend, string Model, int ContextTokens, int Repeats, double? ReadBytesPerSecond,
    IReadOnlyList<DecodeBenchRow> Rows, IReadOnlyList<PromptBenchRow> Prompts);
