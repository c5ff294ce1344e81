using System.Collections.Concurrent;

namespace LayeredPrefill.Execution.Roofline;

/// <summary>
/// Routing sampled token by token: each token draws k distinct experts without replacement from a
/// Zipf(s) popularity (s = 0 is uniform), and the distinct set of the batch is counted.
/// </summary>
/// <remarks>
/// Which expert is popular differs by layer: a random permutation per (seed, layer), fixed across
/// iterations, as a trained router's favourites are. Each call draws from its own generator seeded
/// by (seed, layer, iterationIndex), so results never depend on call order or on other callers;
/// the instance is safe to share between threads. Sampling stops as soon as every expert is hit,
/// which for s ≤ 1 on 128 experts is after a few hundred tokens, so an 8192-token layer is cheap.
/// </remarks>
public sealed class SampledRouting : IExpertRouting
{
    private readonly int _seed;
    private readonly ConcurrentDictionary<int, ZipfAliasTable> _tables = new();
    private readonly ConcurrentDictionary<(int Layer, int Experts), int[]> _permutations = new();

    /// <summary>Routing with popularity rank r ∝ 1/r^<paramref name="zipfSkew"/>; <paramref name="seed"/> fixes every draw.</summary>
    public SampledRouting(int seed, double zipfSkew)
    {
        if (!double.IsFinite(zipfSkew) || zipfSkew < 0)
            throw new UserInputException($"--zipf-skew must be a finite number >= 0 (got {zipfSkew})");
        _seed = seed;
        ZipfSkew = zipfSkew;
    }

    /// <summary>The Zipf exponent s (0 = uniform).</summary>
    public double ZipfSkew { get; }

    /// <inheritdoc />
    public double DistinctExperts(int layer, int tokens, int experts, int topK, int iterationIndex)
    {
        if (tokens <= 0) return 0;
        if (topK >= experts) return experts;
        var table = _tables.GetOrAdd(experts, e => new ZipfAliasTable(e, ZipfSkew));
        var permutation = Permutation(layer, experts);
        var rng = new Random(MixSeed(_seed, layer, iterationIndex));

        // Stamps instead of clearing: chosenBy[r] == t+1 means rank r is already in token t's set.
        Span<int> chosenBy = experts <= 1024 ? stackalloc int[experts] : new int[experts];
        Span<bool> hit = experts <= 1024 ? stackalloc bool[experts] : new bool[experts];
        chosenBy.Clear();
        hit.Clear();
        int distinct = 0;
        for (int t = 1; t <= tokens; t++)
        {
            double chosenMass = 0;
            for (int chosen = 0; chosen < topK; chosen++)
            {
                int rank = table.DrawExcluding(rng, chosenBy, t, chosenMass);
                chosenBy[rank] = t;
                chosenMass += table.Probability[rank];
                int expert = permutation[rank];
                if (hit[expert]) continue;
                hit[expert] = true;
                if (++distinct == experts) return experts;
            }
        }
        return distinct;
    }

    /// <summary>Routing probability of each expert id in <paramref name="layer"/> for one draw (before excluding a token's earlier picks).</summary>
    public double[] Popularity(int layer, int experts)
    {
        var table = _tables.GetOrAdd(experts, e => new ZipfAliasTable(e, ZipfSkew));
        var permutation = Permutation(layer, experts);
        var p = new double[experts];
        for (int rank = 0; rank < experts; rank++) p[permutation[rank]] = table.Probability[rank];
        return p;
    }

    private int[] Permutation(int layer, int experts) => _permutations.GetOrAdd((layer, experts), key =>
    {
        var order = new int[key.Experts];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        // iterationIndex −1 is reserved for the permutation so it never reuses an iteration's stream.
        new Random(MixSeed(_seed, key.Layer, -1)).Shuffle(order);
        return order;
    });

    /// <summary>SplitMix64 over the three inputs: nearby (layer, iteration) pairs get unrelated streams.</summary>
    private static int MixSeed(int seed, int layer, int iterationIndex)
    {
        ulong h = (ulong)(uint)seed;
        h = SplitMix(h ^ ((ulong)(uint)layer << 32));
        h = SplitMix(h ^ (uint)iterationIndex);
        return (int)(h >> 33);
    }

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
