namespace LayeredPrefill.Reporting.Gpu;

/// <summary>The MoE layer a <c>gpu-moe-bench</c> ran: hidden size, experts, expert FFN size, top-k.</summary>
public sealed record MoeBenchShape(int Hidden, int Experts, int Ffn, int TopK);

/// <summary>One correctness check of the layer against float64 (fresh inputs, outputs poisoned first).</summary>
public sealed record MoeBenchCheck(int Tokens, int CheckedTokens, double OutputRelError, double LogitRelError, double WeightRelError,
    bool RoutingOk, bool SortOk, bool AllWritten, double Bound, bool Passed);

/// <summary>One batch size's timings: routing + sort and the expert part (medians and spread, µs), work, rates, energy, cuBLAS beside.</summary>
public sealed record MoeBenchTiming(int Tokens, int DistinctExperts, double RouteUs, double RouteMinUs, double RouteMaxUs, double MoeUs, double MoeMinUs,
    double MoeMaxUs, int Reps, int Batches, double ExpertBytes, double Flops, double Tbs, double Tfs, double JoulesPerCall, double TimedSeconds,
    double CublasUs, double CublasRelDiff);

/// <summary>What <c>gpu-moe-bench --output</c> writes.</summary>
public sealed record MoeBenchResult(string Device, string Date, MoeBenchShape Shape, int Seed, IReadOnlyList<MoeBenchCheck> Checks,
    IReadOnlyList<MoeBenchTiming> Timings, string Nvml, string Cublas, string Method);
