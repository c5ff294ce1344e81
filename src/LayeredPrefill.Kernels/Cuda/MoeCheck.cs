using ILGPU;
using ILGPU.Runtime;
namespace LayeredPrefill.Kernels.Cuda;

/// <summary>The outcome of one correctness check of the CUDA MoE layer against the float64 reference.</summary>
public sealed record MoeCheckResult(
    int Tokens, int CheckedTokens, double LogitRelError, double WeightRelError, double OutputRelError,
    bool RoutingOk, bool SortOk, bool AllWritten, double Bound)
{
    /// <summary>True when every part passed.</summary>
    public bool Passed => RoutingOk && SortOk && AllWritten && OutputRelError <= Bound && LogitRelError <= Bound && WeightRelError <= Bound;
}

/// <summary>Runs the layer on fresh random inputs with poisoned outputs and compares with <see cref="MoeReference"/>.</summary>
public static class MoeCheck
{
    /// <summary>One check; tokens past <paramref name="maxChecked"/> are sampled (each token's output is independent).</summary>
    public static MoeCheckResult Run(CudaMoeKernels k, CudaMoeLayer layer, MoeLayerWeights w, MoeWorkspace ws, MoeReference reference,
        int tokens, int maxChecked, Random rng, double bound = 1e-2)
    {
        var s = layer.Shape;
        var acc = k.Accelerator;
        var x = RandomInput(rng, tokens, s.Hidden);
        ws.X.View.SubView(0, x.Length).CopyFromCPU(x);
        // Poison everything the layer writes, so an unwritten element shows up as NaN.
        k.FillF32(acc.DefaultStream, (int)ws.Output.Length, ws.Output.View, float.NaN);
        k.FillF32(acc.DefaultStream, (int)ws.PerSlot.Length, ws.PerSlot.View, float.NaN);
        k.FillF32(acc.DefaultStream, (int)ws.Logits.Length, ws.Logits.View, float.NaN);
        layer.Forward(w, ws, tokens);
        acc.Synchronize();

        int slots = tokens * s.TopK;
        var output = ws.Output.View.SubView(0, (long)tokens * s.Hidden).GetAsArray1D();
        int splits = layer.RouterSplits(tokens);
        var planes = ws.Logits.View.SubView(0, (long)splits * tokens * s.Experts).GetAsArray1D();
        var logits = new float[(long)tokens * s.Experts];
        for (int p = 0; p < splits; p++)
            for (long i = 0; i < logits.Length; i++) logits[i] += planes[p * logits.Length + i];
        var ids = ws.TopIds.View.SubView(0, slots).GetAsArray1D();
        var weights = ws.TopWeights.View.SubView(0, slots).GetAsArray1D();
        var sorted = ws.SortedSlot.View.SubView(0, slots).GetAsArray1D();
        var counts = ws.Counts.GetAsArray1D();
        var offsets = ws.Offsets.GetAsArray1D();

        bool allWritten = output.All(float.IsFinite) && logits.All(float.IsFinite) && weights.All(float.IsFinite);
        bool sortOk = SortIsValid(s, ids, sorted, counts, offsets);

        var sample = Enumerable.Range(0, tokens).OrderBy(_ => rng.Next()).Take(Math.Min(tokens, maxChecked)).ToArray();
        var results = new (double lErr, double lRef, double wErr, double wRef, double oErr, double oRef, bool routeOk)[sample.Length];
        Parallel.For(0, sample.Length, i =>
        {
            int t = sample[i];
            var xt = reference.Input(x, t);
            var lr = reference.Logits(xt);
            double le = 0, ln = 0;
            for (int e = 0; e < s.Experts; e++) { le += Sq(logits[(long)t * s.Experts + e] - lr[e]); ln += Sq(lr[e]); }
            var chosen = new int[s.TopK];
            var gw = new double[s.TopK];
            for (int j = 0; j < s.TopK; j++) { chosen[j] = ids[t * s.TopK + j]; gw[j] = weights[t * s.TopK + j]; }
            // The GPU's choice must be a true top-k up to rounding: every chosen logit at least the reference's k-th largest minus a tie margin.
            double kth = lr.OrderByDescending(v => v).ElementAt(s.TopK - 1);
            double margin = 1e-2 * Math.Sqrt(ln / s.Experts);
            bool routeOk = chosen.Distinct().Count() == s.TopK && chosen.All(e => lr[e] >= kth - margin);
            double m = chosen.Max(e => lr[e]);
            var rw = chosen.Select(e => Math.Exp(lr[e] - m)).ToArray();
            double sum = rw.Sum();
            double we = 0, wn = 0;
            for (int j = 0; j < s.TopK; j++) { we += Sq(gw[j] - rw[j] / sum); wn += Sq(rw[j] / sum); }
            var yr = reference.Output(xt, chosen, gw);
            double oe = 0, on = 0;
            for (int h = 0; h < s.Hidden; h++) { oe += Sq(output[(long)t * s.Hidden + h] - yr[h]); on += Sq(yr[h]); }
            results[i] = (le, ln, we, wn, oe, on, routeOk);
        });
        double Rel(Func<(double, double, double, double, double, double, bool), double> err, Func<(double, double, double, double, double, double, bool), double> norm) =>
            Math.Sqrt(results.Sum(err) / Math.Max(1e-300, results.Sum(norm)));
        return new MoeCheckResult(tokens, sample.Length,
            Rel(r => r.Item1, r => r.Item2), Rel(r => r.Item3, r => r.Item4), Rel(r => r.Item5, r => r.Item6),
            results.All(r => r.Item7), sortOk, allWritten, bound);
    }

    /// <summary>Seeded uniform bf16 activations in [-1, 1), packed in pairs.</summary>
    public static uint[] RandomInput(Random rng, int tokens, int hidden)
    {
        var x = new uint[(long)tokens * hidden / 2];
        for (long i = 0; i < x.Length; i++)
            x[i] = Bf16.FromFloat((float)(rng.NextDouble() * 2 - 1)) | ((uint)Bf16.FromFloat((float)(rng.NextDouble() * 2 - 1)) << 16);
        return x;
    }

    private static double Sq(double v) => v * v;

    // Every slot appears once, in its expert's contiguous run, and the runs follow the counts.
    private static bool SortIsValid(MoeShape s, int[] ids, int[] sorted, int[] counts, int[] offsets)
    {
        if (counts.Sum() != ids.Length) return false;
        var seen = new bool[ids.Length];
        for (int e = 0, run = 0; e < s.Experts; e++)
        {
            if (offsets[e] != run) return false;
            for (int p = run; p < run + counts[e]; p++)
            {
                int slot = sorted[p];
                if (slot < 0 || slot >= ids.Length || seen[slot] || ids[slot] != e) return false;
                seen[slot] = true;
            }
            run += counts[e];
        }
        return seen.All(v => v);
    }
}
