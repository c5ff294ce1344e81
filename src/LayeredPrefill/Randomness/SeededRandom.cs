namespace LayeredPrefill.Randomness;

/// <summary>
/// The project's seeded generator: <see cref="SplitMix64"/> behind <see cref="Random"/>'s API, so a simulated result depends
/// on its seed alone, on every platform and .NET version (the legacy algorithm behind <c>new Random(seed)</c> is not promised
/// to stay). Every draw the project makes goes through it; APIs take <see cref="Random"/> so they accept it unchanged.
/// </summary>
public sealed class SeededRandom : Random
{
    private SplitMix64 _bits;

    /// <summary>The stream of <paramref name="seed"/>.</summary>
    public SeededRandom(long seed) : this(seed, 0) { }

    /// <summary>Stream <paramref name="stream"/> of <paramref name="seed"/>: streams of one seed are unrelated, so two kinds of draw
    /// (rows and arrival gaps, say) can each take their own and one does not shift the other.</summary>
    public SeededRandom(long seed, long stream) =>
        _bits = new SplitMix64(SplitMix64.Mix(SplitMix64.Mix((ulong)seed) ^ (ulong)stream));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64() => _bits.NextUInt64();

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public override double NextDouble() => _bits.NextDouble();

    /// <inheritdoc />
    protected override double Sample() => NextDouble();

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    public override float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [0, int.MaxValue).</summary>
    public override int Next() => (int)NextInt64(int.MaxValue);

    /// <summary>Uniform in [0, <paramref name="maxValue"/>).</summary>
    public override int Next(int maxValue) => (int)NextInt64(maxValue);

    /// <summary>Uniform in [<paramref name="minValue"/>, <paramref name="maxValue"/>).</summary>
    public override int Next(int minValue, int maxValue) => (int)NextInt64(minValue, maxValue);

    /// <summary>Uniform in [0, long.MaxValue).</summary>
    public override long NextInt64() => NextInt64(long.MaxValue);

    /// <summary>Uniform in [0, <paramref name="maxValue"/>).</summary>
    public override long NextInt64(long maxValue) => NextInt64(0, maxValue);

    /// <summary>Uniform in [<paramref name="minValue"/>, <paramref name="maxValue"/>), without modulo bias (Lemire's multiply, rejecting the short tail).</summary>
    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        ulong bound = unchecked((ulong)maxValue - (ulong)minValue);
        if (bound <= 1) return minValue;
        ulong threshold = (0 - bound) % bound;
        while (true)
        {
            ulong high = Math.BigMul(NextUInt64(), bound, out ulong low);
            if (low >= threshold) return unchecked(minValue + (long)high);
        }
    }

    /// <summary>Fills <paramref name="buffer"/> with random bytes.</summary>
    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    /// <summary>Fills <paramref name="buffer"/> with random bytes.</summary>
    public override void NextBytes(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i += 8)
        {
            ulong bits = NextUInt64();
            for (int j = i; j < Math.Min(i + 8, buffer.Length); j++, bits >>= 8) buffer[j] = (byte)bits;
        }
    }

    /// <summary>Exponential with rate <paramref name="rate"/> (mean 1/rate): the gap between Poisson arrivals.</summary>
    public double Exponential(double rate) => -Math.Log(1.0 - NextDouble()) / rate;

    /// <summary>
    /// Gamma with <paramref name="shape"/> and <paramref name="scale"/> (mean shape × scale), by Marsaglia and Tsang's method; a
    /// shape below 1 draws shape + 1 and scales by U^(1/shape). vLLM's benchmark draws its bursty arrival gaps from this law.
    /// </summary>
    public double Gamma(double shape, double scale)
    {
        if (!(shape > 0) || !double.IsFinite(shape)) throw new ArgumentOutOfRangeException(nameof(shape), shape, "shape must be finite and > 0");
        if (shape < 1) return Gamma(shape + 1, scale) * Math.Pow(1.0 - NextDouble(), 1.0 / shape);
        double d = shape - 1.0 / 3.0, c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal();
                v = 1.0 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = 1.0 - NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v * scale;
        }
    }

    /// <summary>Standard normal by the Box–Muller transform (one of the pair; two uniforms per draw keep streams simple).</summary>
    public double Normal()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fisher–Yates shuffle in place, written here so the order depends on this generator alone (the base class's shuffle is not promised to stay).</summary>
    public new void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <inheritdoc cref="Shuffle{T}(Span{T})" />
    public new void Shuffle<T>(T[] values) => Shuffle(values.AsSpan());
}
