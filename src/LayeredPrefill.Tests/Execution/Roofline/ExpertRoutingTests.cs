using Xunit;
using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Randomness;

namespace LayeredPrefill.Tests.Execution.Roofline;

public class ExpertRoutingTests
{
    [Theory]
    [InlineData(1, 8.0)]
    [InlineData(8, 51.6)]
    [InlineData(32, 111.8)]
    [InlineData(64, 125.9)]
    public void Uniform_matches_the_reference_numbers_for_qwen3(int tokens, double expected)
    {
        Assert.Equal(expected, UniformRouting.Instance.DistinctExperts(0, tokens, 128, 8, 0), 1);
    }

    [Fact]
    public void Uniform_is_zero_without_tokens_and_saturates()
    {
        Assert.Equal(0, UniformRouting.Expected(0, 128, 8));
        Assert.Equal(32, UniformRouting.Expected(5, 32, 32));
        Assert.InRange(UniformRouting.Expected(8192, 128, 8), 127.999, 128.0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(32)]
    [InlineData(64)]
    public void Sampled_with_no_skew_averages_to_the_uniform_formula(int tokens)
    {
        var seeds = new Random(20261127 + tokens);
        const int runs = 600;
        var samples = new double[runs];
        for (int i = 0; i < runs; i++)
            samples[i] = new SampledRouting(seeds.Next(), 0).DistinctExperts(layer: i % 48, tokens, 128, 8, iterationIndex: i);
        double mean = samples.Average();
        double sd = Math.Sqrt(samples.Sum(x => (x - mean) * (x - mean)) / (runs - 1));
        double standardError = sd / Math.Sqrt(runs);
        double expected = UniformRouting.Expected(tokens, 128, 8);
        Assert.True(Math.Abs(mean - expected) <= 4 * standardError + 1e-9,
            $"T={tokens}: sampled mean {mean:F3} ± {standardError:F3} vs formula {expected:F3}");
    }

    [Fact]
    public void Sampled_draws_k_distinct_experts_per_token()
    {
        var routing = new SampledRouting(7, 1.5);
        Assert.Equal(8, routing.DistinctExperts(3, 1, 128, 8, 11));
        Assert.Equal(0, routing.DistinctExperts(3, 0, 128, 8, 11));
        Assert.Equal(4, routing.DistinctExperts(0, 3, 4, 4, 0));
        var rng = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            int tokens = rng.Next(1, 40), experts = rng.Next(2, 64), k = rng.Next(1, experts + 1);
            double d = routing.DistinctExperts(rng.Next(48), tokens, experts, k, i);
            Assert.InRange(d, k, Math.Min(experts, tokens * k));
        }
    }

    [Fact]
    public void Sampled_is_deterministic_whatever_the_call_order()
    {
        int seed = new Random(99).Next();
        var keys = Enumerable.Range(0, 60).Select(i => (Layer: i % 12, Iteration: i / 12, Tokens: 1 + 7 * i % 50)).ToArray();
        var forward = new SampledRouting(seed, 0.8);
        var first = keys.ToDictionary(k => k, k => forward.DistinctExperts(k.Layer, k.Tokens, 128, 8, k.Iteration));
        var backward = new SampledRouting(seed, 0.8);
        foreach (var k in keys.Reverse())
            Assert.Equal(first[k], backward.DistinctExperts(k.Layer, k.Tokens, 128, 8, k.Iteration));
        // Different iterations are different draws, not one repeated value.
        var other = keys.Select(k => forward.DistinctExperts(k.Layer, k.Tokens, 128, 8, k.Iteration + 1000)).ToArray();
        Assert.NotEqual(keys.Select(k => first[k]).ToArray(), other);
    }

    [Fact]
    public void Skew_hits_fewer_distinct_experts()
    {
        var seeds = new Random(31337);
        double Mean(double skew, int tokens) => Enumerable.Range(0, 200)
            .Average(i => new SampledRouting(seeds.Next(), skew).DistinctExperts(i % 48, tokens, 128, 8, i));
        foreach (int tokens in new[] { 8, 32, 128 })
        {
            double uniform = Mean(0, tokens), mild = Mean(0.8, tokens), steep = Mean(1.6, tokens);
            Assert.True(uniform > mild && mild > steep, $"T={tokens}: {uniform:F1} > {mild:F1} > {steep:F1} expected");
        }
    }

    [Fact]
    public void Popularity_is_a_per_layer_permutation_of_zipf()
    {
        var routing = new SampledRouting(3, 1.0);
        var a = routing.Popularity(0, 64);
        var b = routing.Popularity(1, 64);
        Assert.Equal(1.0, a.Sum(), 9);
        Assert.Equal(a.OrderByDescending(x => x).ToArray(), b.OrderByDescending(x => x).ToArray());
        Assert.NotEqual(a, b);
        Assert.Equal(a.Max() / 2, a.OrderByDescending(x => x).ElementAt(1), 12); // Zipf(1): rank 2 has half of rank 1
    }

    [Fact]
    public void Steep_skew_still_finishes_and_stays_in_range()
    {
        var routing = new SampledRouting(1, 12);
        double d = routing.DistinctExperts(0, 4096, 128, 8, 0);
        Assert.InRange(d, 8, 128);
    }

    [Fact]
    public void Negative_or_nan_skew_is_a_user_error()
    {
        Assert.Contains("--zipf-skew", Assert.Throws<UserInputException>(() => new SampledRouting(1, -0.5)).Message);
        Assert.Throws<UserInputException>(() => new SampledRouting(1, double.NaN));
    }

    [Theory]
    [InlineData(0.0, 8)]
    [InlineData(1.0, 8)]
    [InlineData(3.0, 8)]   // the picks after the first few hold > 50 % of the mass: tail-CDF path
    [InlineData(8.0, 12)]  // nearly all mass in the top ranks: scan fallback
    public void Every_draw_path_picks_k_distinct_ranks_with_the_right_frequencies(double skew, int k)
    {
        const int n = 16, tokens = 8_000;
        var table = new ZipfAliasTable(n, skew);
        var rng = new SplitMix64(12345);
        var reference = new Random(54321);
        var stamps = new int[n];
        var fast = new double[n];
        var naive = new double[n];
        for (int t = 1; t <= tokens; t++)
        {
            double mass = 0;
            for (int c = 0; c < k; c++)
            {
                int r = table.DrawExcluding(ref rng, stamps, t, mass);
                Assert.NotEqual(t, stamps[r]);
                stamps[r] = t;
                mass += table.Probability[r];
                fast[r]++;
            }
            // Reference: successive sampling by renormalising over what is left.
            var left = Enumerable.Range(0, n).ToList();
            for (int c = 0; c < k; c++)
            {
                double u = reference.NextDouble() * left.Sum(r => table.Probability[r]);
                int pick = left.First(r => (u -= table.Probability[r]) < 0 || r == left[^1]);
                left.Remove(pick);
                naive[pick]++;
            }
        }
        for (int r = 0; r < n; r++)
        {
            double p = naive[r] / tokens, q = fast[r] / tokens;
            double se = Math.Sqrt(Math.Max(p * (1 - p), 1e-4) / tokens);
            Assert.True(Math.Abs(p - q) <= 5 * se, $"skew {skew} rank {r}: inclusion {q:F4} vs reference {p:F4}");
        }
    }

    [Theory]
    [InlineData(1.5, 256)]
    [InlineData(2.2, 1024)]
    [InlineData(2.5, 1024)]
    public void Capped_sampling_matches_pure_token_sampling_on_average(double skew, int tokens)
    {
        var seeds = new Random((int)(skew * 1000) + tokens);
        double Mean(int literal) => Enumerable.Range(0, 100)
            .Average(i => new SampledRouting(seeds.Next(), skew, literal).DistinctExperts(i % 48, tokens, 128, 8, i));
        double capped = Mean(SampledRouting.DefaultLiteralTokens), pure = Mean(int.MaxValue);
        // Rosén's inclusion approximation over-counts rare experts by ~1 % at steep skew.
        Assert.True(Math.Abs(capped - pure) <= 0.02 * pure + 1.0, $"capped {capped:F1} vs pure {pure:F1}");
    }
}
