namespace LayeredPrefill.Kernels.Simd;

/// <summary>One layer's weights packed once at load for the micro-kernel.</summary>
internal sealed record SimdLayer(float[] AttentionNorm, PackedMatrix Qkv, PackedMatrix Output, float[] FfnNorm, PackedMatrix Router, PackedExpert[] Experts)
{
    public static SimdLayer Pack(LayerWeights w, Models.MoeModel m, int qkvWidth)
    {
        int h = m.HiddenSize, f = m.ExpertFfnSize;
        var experts = new PackedExpert[m.Experts];
        Parallel.For(0, m.Experts, e => experts[e] = new PackedExpert(PackedMatrix.Pack(w.ExpertGateUp[e], h, 2 * f), PackedMatrix.Pack(w.ExpertDown[e], f, h)));
        return new SimdLayer(w.AttentionNorm, PackedMatrix.Pack(w.Qkv, h, qkvWidth), PackedMatrix.Pack(w.OutputProjection, m.QueryHeads * m.HeadDim, h),
            w.FfnNorm, PackedMatrix.Pack(w.Router, h, m.Experts), experts);
    }
}
