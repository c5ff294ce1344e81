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

    /// <summary>Draws layer <paramref name="layer"/>'s weights straight into packed bf16 (the same values as <see cref="MoeWeights.Create"/>, one copy).</summary>
    public static SimdLayer Draw(Models.MoeModel m, long seed, int layer, int qkvWidth)
    {
        int h = m.HiddenSize, f = m.ExpertFfnSize, qd = m.QueryHeads * m.HeadDim;
        var s = WeightStreams.Of(m, layer);
        PackedMatrix Matrix(long stream, int rows, int cols) => PackedMatrix.Draw(rows, cols, i => MoeWeights.MatrixValue(seed, stream, rows, i));
        float[] Norm(long stream)
        {
            var v = new float[h];
            CounterRandom.Fill(v, seed, stream, WeightStreams.NormScale, WeightStreams.NormOffset);
            return v;
        }
        var experts = new PackedExpert[m.Experts];
        for (int e = 0; e < m.Experts; e++) experts[e] = new PackedExpert(Matrix(s.GateUp(e), h, 2 * f), Matrix(s.Down(e), f, h));
        return new SimdLayer(Norm(s.AttentionNorm), Matrix(s.Qkv, h, qkvWidth), Matrix(s.Output, qd, h), Norm(s.FfnNorm), Matrix(s.Router, h, m.Experts), experts);
    }
}
