using System.Collections.Concurrent;
using LayeredPrefill.Randomness;

namespace LayeredPrefill.Execution.Roofline;

/// <summary>
/// Routing sampled token by token: each token draws k distinct experts without replacement from a
/// Zipf(s) popularity (s = 0 is uniform), and the distinct set of the batch is counted.
/// </summary>
/// <remarks>
/// Which expert is popular differs by layer: a random permutation per (seed, layer), fixed across
/// iterations, as a trained router's favourites are. Each call draws from its own generator seeded
/// by (seed, layer, iterationIndex), so results never depend on call order or on other callers;
/// the instance is safe to share between threads.
/// Work is capped so a 48-layer × 8192-token iteration stays cheap whatever the skew: tokens are
/// drawn one by one until every expert is hit or <see cref="DefaultLiteralTokens"/> tokens are
/// drawn; then each expert still missed is hit by the remaining R tokens with probability
/// 1 − (1 − π_e)^R, drawn independently, where π_e is one token's chance to pick e
/// (<see cref="ZipfAliasTable.InclusionProbabilities"/>). Each expert's chance stays exact for s = 0
/// (π = k/E) and within ~1 % under skew (Rosén's approximation of π); only the small negative
/// correlation between misses is lost. Tests hold both against pure token-by-token sampling.
/// </remarks>
public sealed class SampledRouting : IExpertRouting
{
    /// <summary>Tokens drawn one by one before the rest of a batch is settled per expert.</summary>
    public const int DefaultLiteralTokens = 16;

    private readonly int _seed;
    private readonly int _literalTokens;
    private readonly ConcurrentDictionary<int, ZipfAliasTable> _tables = new();
    private readonly ConcurrentDictionary<(int Layer, int Experts), int[]> _permutations = new();
    private readonly ConcurrentDictionary<(int Experts, int TopK), double[]> _logMiss = new(); // log(1 − π) per rank

    /// <summary>Routing with popularity rank r ∝ 1/r^<paramref name="zipfSkew"/>; <paramref name="seed"/> fixes every draw.</summary>
    public SampledRouting(int seed, double zipfSkew) : this(seed, zipfSkew, DefaultLiteralTokens) { }

    /// <summary>As above, drawing at most <paramref name="literalTokens"/> tokens one by one (tests use int.MaxValue for pure sampling).</summary>
    internal SampledRouting(int seed, double zipfSkew, int literalTokens)
    {
        if (!double.IsFinite(zipfSkew) || zipfSkew < 0)
            throw new UserInputException($"--zipf-skew must be a finite number >= 0 (got {zipfSkew})");
        _seed = seed;
        _literalTokens = literalTokens;
        ZipfSkew = zipfSkew;
    }

    /// <summary>The Zipf exponent s (0 = uniform).</summary>
    public double ZipfSkew { get; }

    /// <inheritdoc />
    public double DistinctExperts(int layer, int tokens, int experts, int topK, int iterationIndex)
    {
        if (tokens <= 0) return 0;
        if (topK >= experts) return experts;
        var table = _tables.GetOrAdd(experts, static (e, skew) => new ZipfAliasTable(e, skew), ZipfSkew);
        var permutation = Permutation(layer, experts);
        var rng = new SplitMix64(MixSeed(_seed, layer, iterationIndex));

        // Stamps instead of clearing: chosenBy[r] == t means rank r is already in token t's set (t counts from 1).
        Span<int> chosenBy = experts <= 1024 ? stackalloc int[experts] : new int[experts];
        Span<bool> hit = experts <= 1024 ? stackalloc bool[experts] : new bool[experts];
        chosenBy.Clear();
        hit.Clear();
        int distinct = 0;
        int literal = Math.Min(tokens, _literalTokens);
        for (int t = 1; t <= literal; t++)
        {
            double chosenMass = 0;
            for (int chosen = 0; chosen < topK; chosen++)
            {
                int rank = table.DrawExcluding(ref rng, chosenBy, t, chosenMass);
                chosenBy[rank] = t;
                chosenMass += table.Probability[rank];
                int expert = permutation[rank];
                if (hit[expert]) continue;
                hit[expert] = true;
                if (++distinct == experts) return experts;
            }
        }
        int remaining = tokens - literal;
        if (remaining == 0) return distinct;
        var logMiss = _logMiss.GetOrAdd((experts, topK), static (key, t) => t.InclusionProbabilities(key.TopK).Select(p => Math.Log(1 - p)).ToArray(), table);
        for (int rank = 0; rank < experts; rank++)
        {
            if (hit[permutation[rank]]) continue;
            double missAll = Math.Exp(remaining * logMiss[rank]);
            if (rng.NextDouble() >= missAll) distinct++;
        }
        return distinct;
    }

    /// <summary>Routing probability of each expert id in <paramref name="layer"/> for one draw (before excluding a token's earlier picks).</summary>
    public double[] Popularity(int layer, int experts)
    {
        var table = _tables.GetOrAdd(experts, static (e, skew) => new ZipfAliasTable(e, skew), ZipfSkew);
        var permutation = Permutation(layer, experts);
        var p = new double[experts];
        for (int rank = 0; rank < experts; rank++) p[permutation[rank]] = table.Probability[rank];
        return p;
    }

    private int[] Permutation(int layer, int experts) => _permutations.GetOrAdd((layer, experts), static (key, seed) =>
    {
        var order = new int[key.Experts];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        // iterationIndex −1 is reserved for the permutation so it never reuses an iteration's stream.
        new SeededRandom((long)MixSeed(seed, key.Layer, -1)).Shuffle(order);
        return order;
    }, _seed);

    /// <summary>SplitMix64 over the three inputs: nearby (layer, iteration) pairs get unrelated streams.</summary>
    private static ulong MixSeed(int seed, int layer, int iterationIndex)
    {
        ulong h = SplitMix64.Mix((ulong)(uint)seed);
        h = SplitMix64.Mix(h ^ ((ulong)(uint)layer << 32));
        return SplitMix64.Mix(h ^ (uint)iterationIndex);
    }
}
