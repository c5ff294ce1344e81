namespace LayeredPrefill.Kernels.Cuda;

/// <summary>Float64 CPU reference of one MoE layer over the same bf16 weights and inputs (packed pairs, as on the device).</summary>
public sealed class MoeReference
{
    private readonly MoeShape _s;
    private readonly uint[] _router, _gateUp, _down;

    /// <summary>Wraps host copies of the layer's weights.</summary>
    public MoeReference(MoeShape shape, uint[] router, uint[] gateUp, uint[] down)
    {
        _s = shape;
        (_router, _gateUp, _down) = (router, gateUp, down);
    }

    private static double Element(uint[] pairs, long index)
    {
        uint p = pairs[index >> 1];
        return Bf16.ToFloat((ushort)((index & 1) == 0 ? p : p >> 16));
    }

    private static double[] Row(uint[] pairs, long first, int length)
    {
        var r = new double[length];
        for (int i = 0; i < length; i++) r[i] = Element(pairs, first + i);
        return r;
    }

    /// <summary>Token <paramref name="t"/>'s activations as doubles.</summary>
    public double[] Input(uint[] x, int t) => Row(x, (long)t * _s.Hidden, _s.Hidden);

    /// <summary>Router logits of one token.</summary>
    public double[] Logits(double[] x)
    {
        var l = new double[_s.Experts];
        for (int e = 0; e < _s.Experts; e++) l[e] = Dot(x, _router, (long)e * _s.Hidden);
        return l;
    }

    /// <summary>Σ over the given experts of weight × down(SiLU(gate·x) ⊙ up·x), with no intermediate rounding.</summary>
    public double[] Output(double[] x, IReadOnlyList<int> experts, IReadOnlyList<double> weights)
    {
        int h = _s.Hidden, f = _s.Ffn;
        var y = new double[h];
        var g = new double[f];
        for (int j = 0; j < experts.Count; j++)
        {
            long e = experts[j];
            long gateBase = e * 2 * f * h;
            for (int n = 0; n < f; n++)
            {
                double gate = Dot(x, _gateUp, gateBase + (long)n * h);
                double up = Dot(x, _gateUp, gateBase + (long)(f + n) * h);
                g[n] = gate / (1 + Math.Exp(-gate)) * up;
            }
            long downBase = e * h * f;
            for (int o = 0; o < h; o++) y[o] += weights[j] * Dot(g, _down, downBase + (long)o * f);
        }
        return y;
    }

    private static double Dot(double[] v, uint[] pairs, long first)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++) s += v[i] * Element(pairs, first + i);
        return s;
    }
}
