namespace LayeredPrefill.Sweeps;

/// <summary>One setting of the paper's SLO figure: a model on a trace at six rates, attainment % for chunked-512 and layered.</summary>
public sealed record PaperSetting(string Model, string Trace, string Label, IReadOnlyList<double> Rates, IReadOnlyList<double> ChunkedPercent, IReadOnlyList<double> LayeredPercent);

/// <summary>A row of the paper's 8192-token chunk-size table (authors' measurements, Qwen3-30B-A3B, TP 2, per GPU pair).</summary>
public sealed record PaperChunkRow(int ChunkTokens, int Chunks, double MoeWeightLoadGb, double MoeKernelMs);

/// <summary>A metric of the paper's vLLM comparison (vLLM 0.10.2 chunked vs the authors' layered engine).</summary>
public sealed record PaperVllmMetric(string Name, string Key, double VllmMs, double LayeredMs);

/// <summary>
/// The numbers the paper reports, copied from REFERENCE.md §1 (Lee et al., "From Tokens to Layers: Redefining Stall-Free
/// Scheduling for LLM Serving with Layered Prefill", arXiv 2510.08055; SLO attainment read from the figures, ±3 points).
/// </summary>
public static class PaperReference
{
    /// <summary>Where these numbers come from.</summary>
    public const string Source = "Lee et al., arXiv 2510.08055 (MLSys 2026), via REFERENCE.md §1; attainment read from the figures (±3 points)";

    /// <summary>SLO attainment % per setting and rate.</summary>
    public static readonly IReadOnlyList<PaperSetting> Settings =
    [
        new("qwen3-30b-a3b", "arxiv-long", "arXiv, Qwen3-30B-A3B", [1.3, 1.4, 1.5, 1.6, 1.7, 1.8], [100, 97, 44, 14, 11, 8], [100, 100, 100, 100, 98, 80]),
        new("gpt-oss-20b", "arxiv-long", "arXiv, GPT-OSS-20B", [2.1, 2.3, 2.5, 2.7, 2.9, 3.1], [100, 61, 12, 8, 6, 5], [100, 100, 100, 100, 77, 18]),
        new("qwen3-30b-a3b", "sharegpt", "ShareGPT, Qwen3-30B-A3B", [4.0, 4.2, 4.4, 4.6, 4.8, 5.0], [100, 98, 71, 34, 11, 9], [100, 100, 100, 99, 87, 55]),
        new("gpt-oss-20b", "sharegpt", "ShareGPT, GPT-OSS-20B", [5.8, 6.0, 6.2, 6.4, 6.6, 6.8], [99, 96, 53, 37, 10, 6], [98, 94, 92, 91, 88, 81]),
    ];

    /// <summary>One 8192-token prompt, Qwen3-30B-A3B, TP 2.</summary>
    public static readonly IReadOnlyList<PaperChunkRow> ChunkSize =
    [
        new(512, 16, 764.1, 311.95),
        new(1024, 8, 406.3, 184.88),
        new(2048, 4, 213.3, 112.28),
        new(4096, 2, 110.1, 84.57),
        new(8192, 1, 57.1, 75.68),
    ];

    /// <summary>The vLLM comparison: Qwen3-30B-A3B, arXiv, 1.5 req/s, 100 prompts, 2× H100, TP 2.</summary>
    public static readonly IReadOnlyList<PaperVllmMetric> Vllm =
    [
        new("mean TTFT", "mean_ttft", 1018.75, 712.84),
        new("median TTFT", "median_ttft", 872.98, 560.54),
        new("mean TPOT", "mean_tpot", 19.71, 15.09),
        new("mean ITL", "mean_itl", 19.61, 14.89),
        new("p99 ITL", "p99_itl", 36.79, 27.90),
        new("mean E2E", "mean_e2el", 4904, 3525),
        new("p99 E2E", "p99_e2el", 10447, 7822),
    ];

    /// <summary>Rate and prompt count of the vLLM comparison.</summary>
    public const double VllmRate = 1.5;

    /// <summary>Prompts in the vLLM comparison.</summary>
    public const int VllmPrompts = 100;

    /// <summary>Max model length of both servers in the vLLM comparison (its commands pass --max-model-len 16384, not the SLO runs' 32768).</summary>
    public const int VllmMaxModelLengthTokens = 16384;
}
