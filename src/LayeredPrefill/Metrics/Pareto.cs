namespace LayeredPrefill.Metrics;

/// <summary>Pareto frontiers of points where both coordinates are costs (lower is better), e.g. p99 ITL against TTFT.</summary>
public static class Pareto
{
    /// <summary>
    /// The points no other point beats on both coordinates (at least as good on both and better on one), sorted by x
    /// ascending, so y strictly falls along the result. Points with a NaN or infinite coordinate are left out;
    /// of exact duplicates the first is kept.
    /// </summary>
    public static IReadOnlyList<T> Frontier<T>(IEnumerable<T> items, Func<T, double> x, Func<T, double> y)
    {
        ArgumentNullException.ThrowIfNull(items);
        var sorted = items
            .Select((item, index) => (Item: item, X: x(item), Y: y(item), Index: index))
            .Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y))
            .OrderBy(p => p.X).ThenBy(p => p.Y).ThenBy(p => p.Index)
            .ToArray();
        var frontier = new List<T>();
        double bestY = double.PositiveInfinity;
        foreach (var p in sorted)
        {
            // Sorted by x, a point is dominated exactly when an earlier one already reached its y or lower.
            if (p.Y < bestY)
            {
                frontier.Add(p.Item);
                bestY = p.Y;
            }
        }
        return frontier;
    }
}
