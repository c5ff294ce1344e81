using LayeredPrefill.Metrics;

namespace LayeredPrefill.Tests.Metrics;

public class ParetoTests
{
    private static IReadOnlyList<string> Names(params (string Name, double X, double Y)[] points) =>
        Pareto.Frontier(points, p => p.X, p => p.Y).Select(p => p.Name).ToArray();

    [Fact]
    public void Keeps_only_undominated_points_sorted_by_x()
    {
        var names = Names(("c", 30, 100), ("a", 10, 500), ("dominated", 25, 400), ("b", 20, 300), ("d", 40, 100));
        Assert.Equal(["a", "b", "c"], names);
    }

    [Fact]
    public void Equal_x_keeps_the_lower_y_and_duplicates_once()
    {
        Assert.Equal(["low", "right"], Names(("high", 10, 9), ("low", 10, 5), ("right", 12, 1), ("dup-of-low", 10, 5)));
    }

    [Fact]
    public void Skips_nan_and_infinite_points_and_handles_empty()
    {
        Assert.Equal(["ok"], Names(("nan", double.NaN, 1), ("inf", 1, double.PositiveInfinity), ("ok", 5, 5)));
        Assert.Empty(Names());
    }

    [Fact]
    public void Random_points_frontier_is_exactly_the_undominated_set()
    {
        var random = new Random(17);
        for (int trial = 0; trial < 50; trial++)
        {
            var pts = Enumerable.Range(0, random.Next(1, 40)).Select(i => ($"p{i}", (double)random.Next(20), (double)random.Next(20))).ToArray();
            var frontier = Pareto.Frontier(pts, p => p.Item2, p => p.Item3);
            // Brute force: a point is on the frontier iff no other point is <= on both and < on one; duplicates count once.
            var expected = pts.Where(p => !pts.Any(q => q.Item2 <= p.Item2 && q.Item3 <= p.Item3 && (q.Item2 < p.Item2 || q.Item3 < p.Item3)))
                .Select(p => (p.Item2, p.Item3)).Distinct().OrderBy(p => p.Item1).ToArray();
            Assert.Equal(expected, frontier.Select(p => (p.Item2, p.Item3)).ToArray());
            for (int i = 1; i < frontier.Count; i++) Assert.True(frontier[i].Item3 < frontier[i - 1].Item3);
        }
    }
}
