namespace LayeredPrefill.Kernels;

/// <summary>cos/sin of rotary angles per position and frequency, computed once on the host in float64 so every backend uses the same values.</summary>
public sealed class RopeTable
{
    /// <summary>Rotary base (Llama/Mixtral).</summary>
    public const double Theta = 10000.0;

    /// <summary>Positions covered.</summary>
    public int Positions { get; }
    /// <summary>Half the head dim.</summary>
    public int Half { get; }
    /// <summary>[position, half] cosines.</summary>
    public float[] Cos { get; }
    /// <summary>[position, half] sines.</summary>
    public float[] Sin { get; }

    /// <summary>Builds the table for <paramref name="positions"/> positions of a head of <paramref name="headDim"/>.</summary>
    public RopeTable(int positions, int headDim)
    {
        Positions = positions; Half = headDim / 2;
        Cos = new float[(long)positions * Half];
        Sin = new float[(long)positions * Half];
        for (int p = 0; p < positions; p++)
            for (int i = 0; i < Half; i++)
            {
                double angle = p * Math.Pow(Theta, -2.0 * i / headDim);
                Cos[p * Half + i] = (float)Math.Cos(angle);
                Sin[p * Half + i] = (float)Math.Sin(angle);
            }
    }
}
