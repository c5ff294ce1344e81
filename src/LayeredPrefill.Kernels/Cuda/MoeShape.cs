namespace LayeredPrefill.Kernels.Cuda;

/// <summary>The shape of one routed-MoE layer as the CUDA kernels see it (bf16 weights).</summary>
public sealed record MoeShape(int Hidden, int Experts, int Ffn, int TopK)
{
    /// <summary>Hidden and FFN sizes (and router K splits) must be multiples of this: two 64-wide K slices of the tile GEMMs.</summary>
    public const int KMultiple = 2 * GroupedGemmKernel.TileK;

    /// <summary>Most experts the routing kernels handle (TopK's four logits per lane, the sort block's shared arrays).</summary>
    public const int MaxExperts = 128;

    /// <summary>Qwen3-30B-A3B: hidden 2048, 128 experts, FFN 768, top-8.</summary>
    public static MoeShape Qwen3 { get; } = new(2048, 128, 768, 8);

    /// <summary>Bytes of one expert (gate, up, down in bf16).</summary>
    public long ExpertBytes => 3L * Hidden * Ffn * 2;

    /// <summary>FLOPs of the expert GEMMs for <paramref name="tokens"/> tokens.</summary>
    public double ExpertFlops(int tokens) => 6.0 * tokens * TopK * Hidden * Ffn;

    /// <summary>
    /// Activation bytes one layer call of <paramref name="tokens"/> rows must read from DRAM, each array once: the input
    /// rows (router), the gathered input row of every (token, slot) (gate/up), the SiLU·mul rows (down) and the bf16
    /// per-slot outputs (combine). With the expert weights this is what Nsight Compute's dram__bytes_read should see.
    /// </summary>
    public double ActivationReadBytes(int tokens)
    {
        double slots = (double)tokens * TopK;
        return 2.0 * tokens * Hidden + slots * (2.0 * Hidden + 2.0 * Ffn + 2.0 * Hidden);
    }

    /// <summary>Most tiles of <paramref name="tileRows"/> rows the sort can produce for <paramref name="tokens"/> tokens.</summary>
    public int MaxTiles(int tokens, int tileRows = GroupedGemmKernel.TileRows) => tokens * TopK / tileRows + Math.Min(Experts, tokens * TopK);

    /// <summary>Refuses shapes the tile kernels cannot run.</summary>
    public MoeShape Validate(string where)
    {
        void Require(bool ok, string what) { if (!ok) throw new UserInputException($"{where}: {what}"); }
        Require(Hidden > 0 && Hidden % KMultiple == 0, $"hidden size {Hidden} must be a positive multiple of 128");
        Require(Ffn > 0 && Ffn % KMultiple == 0, $"expert FFN size {Ffn} must be a positive multiple of 128");
        Require(Experts > 0 && Experts <= MaxExperts && Experts % GroupedGemmKernel.TileCols == 0, $"experts {Experts} must be 64 or 128");
        Require(TopK > 0 && TopK <= 32 && TopK <= Experts, $"top-k {TopK} must be in 1..32 and at most the experts");
        return this;
    }
}
