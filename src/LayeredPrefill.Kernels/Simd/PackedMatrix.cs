namespace LayeredPrefill.Kernels.Simd;

/// <summary>A row-major [K, N] weight matrix repacked into panels of <see cref="PanelWidth"/> columns, k-major inside a panel.</summary>
/// <remarks>The micro-kernel then reads one contiguous 16-float line per k; the last panel is zero-padded.</remarks>
public sealed class PackedMatrix
{
    /// <summary>Output columns per panel (two Vector256 lanes of floats).</summary>
    public const int PanelWidth = 16;

    /// <summary>Reduction length.</summary>
    public int K { get; }
    /// <summary>Output columns.</summary>
    public int N { get; }
    /// <summary>Number of panels.</summary>
    public int Panels { get; }
    /// <summary>Packed data: [panel][k][16].</summary>
    public float[] Data { get; }

    private PackedMatrix(int k, int n, int panels, float[] data) { K = k; N = n; Panels = panels; Data = data; }

    /// <summary>Packs a row-major [k, n] matrix.</summary>
    public static PackedMatrix Pack(ReadOnlySpan<float> rowMajor, int k, int n)
    {
        if (rowMajor.Length < (long)k * n) throw new ArgumentException("matrix too short", nameof(rowMajor));
        int panels = (n + PanelWidth - 1) / PanelWidth;
        var data = new float[(long)panels * k * PanelWidth];
        for (int p = 0; p < panels; p++)
        {
            int c0 = p * PanelWidth, width = Math.Min(PanelWidth, n - c0);
            for (int kk = 0; kk < k; kk++)
                rowMajor.Slice(kk * n + c0, width).CopyTo(data.AsSpan((p * k + kk) * PanelWidth, width));
        }
        return new PackedMatrix(k, n, panels, data);
    }
}
