namespace LayeredPrefill.Kernels.Simd;

/// <summary>A row-major [K, N] weight matrix repacked into panels of <see cref="PanelWidth"/> columns, k-major inside a panel, stored as bf16.</summary>
/// <remarks>
/// The micro-kernel reads one contiguous 16-element line per k and widens it to fp32 (a bf16 is the top half of an
/// fp32), so the math stays fp32 while the weights take half the memory and half the bandwidth, as on the GPUs. The last
/// panel is zero-padded. Values are rounded to the nearest bf16 (ties to even, <see cref="Bf16"/>) when packed.
/// </remarks>
public sealed class PackedMatrix
{
    /// <summary>Output columns per panel (two Vector256 lanes of floats).</summary>
    public const int PanelWidth = 16;

    /// <summary>Bytes one stored weight takes.</summary>
    public const int BytesPerWeight = 2;

    /// <summary>Reduction length.</summary>
    public int K { get; }
    /// <summary>Output columns.</summary>
    public int N { get; }
    /// <summary>Number of panels.</summary>
    public int Panels { get; }
    /// <summary>Packed bf16 bits: [panel][k][16].</summary>
    public ushort[] Data { get; }

    private PackedMatrix(int k, int n, int panels, ushort[] data) { K = k; N = n; Panels = panels; Data = data; }

    /// <summary>Bytes a packed [k, n] matrix takes.</summary>
    public static long BytesFor(int k, int n) => (long)((n + PanelWidth - 1) / PanelWidth) * k * PanelWidth * BytesPerWeight;

    /// <summary>Packs a row-major [k, n] matrix (rounding each value to bf16).</summary>
    public static PackedMatrix Pack(ReadOnlySpan<float> rowMajor, int k, int n)
    {
        if (rowMajor.Length < (long)k * n) throw new ArgumentException("matrix too short", nameof(rowMajor));
        var m = Empty(k, n);
        for (int p = 0; p < m.Panels; p++)
        {
            int c0 = p * PanelWidth, width = Math.Min(PanelWidth, n - c0);
            for (int kk = 0; kk < k; kk++)
            {
                var src = rowMajor.Slice(kk * n + c0, width);
                var dst = m.Data.AsSpan((p * k + kk) * PanelWidth, width);
                for (int j = 0; j < width; j++) dst[j] = Bf16.FromFloat(src[j]);
            }
        }
        return m;
    }

    /// <summary>
    /// Packs the [k, n] matrix whose row-major element i is <paramref name="value"/>(i), without building the row-major
    /// copy first (the engine draws its weights this way: one copy of a model, not two).
    /// </summary>
    public static PackedMatrix Draw(int k, int n, Func<long, float> value)
    {
        var m = Empty(k, n);
        Parallel.For(0, m.Panels, p =>
        {
            int c0 = p * PanelWidth, width = Math.Min(PanelWidth, n - c0);
            for (int kk = 0; kk < k; kk++)
            {
                var dst = m.Data.AsSpan((p * k + kk) * PanelWidth, width);
                for (int j = 0; j < width; j++) dst[j] = Bf16.FromFloat(value((long)kk * n + c0 + j));
            }
        });
        return m;
    }

    private static PackedMatrix Empty(int k, int n)
    {
        int panels = (n + PanelWidth - 1) / PanelWidth;
        return new PackedMatrix(k, n, panels, new ushort[(long)panels * k * PanelWidth]);
    }
}
