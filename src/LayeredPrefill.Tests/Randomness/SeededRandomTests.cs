using System.Text.RegularExpressions;
using LayeredPrefill.Randomness;

namespace LayeredPrefill.Tests.Randomness;

/// <summary>The project's seeded generator: the published SplitMix64 stream, unbiased bounded draws, and no other generator in the code.</summary>
public sealed class SeededRandomTests
{
    /// <summary>Files that still draw from System.Random, owned by the GPU work (see the closing note of issue 16); this list only shrinks.</summary>
    private static readonly string[] NotYetSeeded =
    [
    ];

    [Fact]
    public void SplitMix64_gives_the_reference_stream()
    {
        // Vigna's splitmix64.c from state 1234567.
        var bits = new SplitMix64(1234567);
        Assert.Equal([6457827717110365317UL, 3203168211198807973UL, 9817491932198370423UL, 4593380528125082431UL, 16408922859458223821UL],
            Enumerable.Range(0, 5).Select(_ => bits.NextUInt64()));
    }

    [Fact]
    public void The_same_seed_and_stream_give_the_same_draws_and_other_streams_do_not()
    {
        static double[] Draws(SeededRandom r) => Enumerable.Range(0, 8).Select(_ => r.NextDouble()).ToArray();
        Assert.Equal(Draws(new SeededRandom(7, 0)), Draws(new SeededRandom(7, 0)));
        Assert.Equal(Draws(new SeededRandom(7, 0)), Draws(new SeededRandom(7)));
        Assert.NotEqual(Draws(new SeededRandom(7, 0)), Draws(new SeededRandom(7, 1)));
        Assert.NotEqual(Draws(new SeededRandom(7, 0)), Draws(new SeededRandom(8, 0)));
    }

    [Fact]
    public void Bounded_draws_stay_in_range_and_are_close_to_uniform()
    {
        var r = new SeededRandom(42);
        var counts = new int[6];
        for (int i = 0; i < 60_000; i++)
        {
            int v = r.Next(-3, 3);
            Assert.InRange(v, -3, 2);
            counts[v + 3]++;
        }
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
        Assert.Equal(0, r.Next(0));
        Assert.Equal(5, r.Next(5, 5));
        Assert.InRange(r.NextInt64(long.MinValue, long.MaxValue), long.MinValue, long.MaxValue - 1);
        Assert.InRange(r.NextSingle(), 0f, 1f - 1e-7f);
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Next(-1));
    }

    [Fact]
    public void Exponential_gaps_have_mean_one_over_the_rate_and_shuffle_permutes()
    {
        var r = new SeededRandom(3);
        double mean = Enumerable.Range(0, 100_000).Average(_ => r.Exponential(2.0));
        Assert.InRange(mean, 0.49, 0.51);
        int[] values = Enumerable.Range(0, 50).ToArray();
        r.Shuffle(values);
        Assert.Equal(Enumerable.Range(0, 50), values.Order());
        Assert.NotEqual(Enumerable.Range(0, 50), values);
    }

    [Fact]
    public void No_code_draws_from_an_unseeded_or_legacy_generator()
    {
        string root = Fixture.RepositoryRoot();
        var offenders = SourceFolders.Read(root)
            .Where(f => !f.Path.StartsWith("src/LayeredPrefill.Tests/", StringComparison.Ordinal) && !NotYetSeeded.Contains(f.Path))
            .Where(f => Regex.IsMatch(SourceFolders.StripCommentsAndStrings(File.ReadAllText(Path.Combine(root, f.Path))), @"new\s+(System\.)?Random\s*\(|Random\.Shared"))
            .Select(f => f.Path);
        Assert.Empty(offenders);
        Assert.All(NotYetSeeded, path => Assert.True(File.Exists(Path.Combine(root, path)), $"{path} is gone: drop it from the list"));
    }
}
