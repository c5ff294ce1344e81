using System.Numerics.Tensors;

namespace LayeredPrefill.Kernels.Simd;

/// <summary>One expert's packed weights: fused gate|up [H, 2F] and down [F, H].</summary>
public sealed record PackedExpert(PackedMatrix GateUp, PackedMatrix Down);

/// <summary>Grouped expert FFN over tokens sorted by expert, and the combine back in top-k rank order.</summary>
public static class SimdExperts
{
    /// <summary>
    /// For sorted rows xs [n, H] grouped by <paramref name="offsets"/>: ys = down(SiLU(gate)·up) per expert.
    /// All experts' gate/up GEMMs run as one parallel batch, then all down GEMMs.
    /// </summary>
    public static void Ffn(float[] xs, int[] offsets, IReadOnlyList<PackedExpert> experts, int hidden, int ffn, float[] ys, int maxThreads = -1) =>
        Ffn(xs, offsets, experts, hidden, ffn, ys, maxThreads, null);

    /// <summary>As <see cref="Ffn(float[], int[], IReadOnlyList{PackedExpert}, int, int, float[], int)"/>, its intermediate buffers from <paramref name="scratch"/> (reused across calls).</summary>
    public static void Ffn(float[] xs, int[] offsets, IReadOnlyList<PackedExpert> experts, int hidden, int ffn, float[] ys, int maxThreads, Scratch? scratch)
    {
        int n = offsets[^1];
        var gu = scratch?.Get("expert-gate-up", (long)n * 2 * ffn) ?? GC.AllocateUninitializedArray<float>(n * 2 * ffn);
        var act = scratch?.Get("expert-act", (long)n * ffn) ?? GC.AllocateUninitializedArray<float>(n * ffn);
        var jobs = new List<GemmJob>();
        for (int e = 0; e < experts.Count; e++)
        {
            int rows = offsets[e + 1] - offsets[e];
            if (rows > 0) jobs.Add(new GemmJob(xs, offsets[e] * hidden, hidden, rows, experts[e].GateUp, gu, offsets[e] * 2 * ffn, 2 * ffn));
        }
        PackedGemm.Run(jobs, maxThreads);
        for (int i = 0; i < n; i++)
        {
            var g = gu.AsSpan(i * 2 * ffn, ffn);
            var u = gu.AsSpan(i * 2 * ffn + ffn, ffn);
            var a = act.AsSpan(i * ffn, ffn);
            for (int j = 0; j < ffn; j++) a[j] = g[j] / (1f + MathF.Exp(-g[j])) * u[j];
        }
        jobs.Clear();
        for (int e = 0; e < experts.Count; e++)
        {
            int rows = offsets[e + 1] - offsets[e];
            if (rows > 0) jobs.Add(new GemmJob(act, offsets[e] * ffn, ffn, rows, experts[e].Down, ys, offsets[e] * hidden, hidden));
        }
        PackedGemm.Run(jobs, maxThreads);
    }

    /// <summary>Gathers x rows into expert-sorted order.</summary>
    public static float[] Gather(ReadOnlySpan<float> x, Routing routing, int hidden) =>
        Gather(x, routing, hidden, GC.AllocateUninitializedArray<float>(routing.SortedTokens.Length * hidden));

    /// <summary>Gathers x rows into expert-sorted order in <paramref name="xs"/> (at least sorted rows × hidden long).</summary>
    public static float[] Gather(ReadOnlySpan<float> x, Routing routing, int hidden, float[] xs)
    {
        for (int s = 0; s < routing.SortedTokens.Length; s++)
            x.Slice(routing.SortedTokens[s] * hidden, hidden).CopyTo(xs.AsSpan(s * hidden, hidden));
        return xs;
    }

    /// <summary>x[t] += Σ_r w[t,r]·ys[slot(t,r)], summed in rank order r = 0..k-1.</summary>
    public static void CombineInto(Span<float> x, ReadOnlySpan<float> ys, Routing routing, int hidden)
    {
        var acc = new float[hidden];
        for (int t = 0; t < routing.Tokens; t++)
        {
            acc.AsSpan().Clear();
            for (int r = 0; r < routing.TopK; r++)
            {
                int i = t * routing.TopK + r;
                TensorPrimitives.FusedMultiplyAdd(ys.Slice(routing.SlotOf[i] * hidden, hidden), routing.Weights[i], acc, acc);
            }
            var row = x.Slice(t * hidden, hidden);
            TensorPrimitives.Add(row, acc, row);
        }
    }
}
