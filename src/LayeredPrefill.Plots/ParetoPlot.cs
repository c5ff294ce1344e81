using LayeredPrefill.Metrics;
using LayeredPrefill.Reporting.Reports;
using LayeredPrefill.Sweeps;
using ScottPlot;

namespace LayeredPrefill.Plots;

/// <summary>
/// TTFT–TBT Pareto frontiers per policy family at one rate: x p99 ITL, y TTFT on a log axis (TTFTs of one rate span decades),
/// mean (filled, solid) and p99 (open, dashed): the two TTFT columns of the report's table.
/// </summary>
public static class ParetoPlot
{
    /// <summary>Renders the frontier of <paramref name="points"/> (one model, trace and rate).</summary>
    public static PlotImage Render(IReadOnlyList<PointResult> points, string title, string folder, string stem)
    {
        var plot = PlotFile.New(title, "p99 inter-token latency (ms)", "TTFT (ms, log scale)");
        var usable = points.Where(p => double.IsFinite(p.P99ItlMs) && p.MeanTtftMs > 0 && p.P99TtftMs > 0).ToArray();
        foreach (var family in usable.GroupBy(p => p.Family))
        {
            var color = PlotFile.Family(family.Key);
            var items = family.ToArray();
            Series(plot, items, p => p.MeanTtftMs, color, MarkerShape.FilledCircle, LinePattern.Solid, $"{family.Key}: mean TTFT");
            Series(plot, items, p => p.P99TtftMs, color, MarkerShape.OpenCircle, LinePattern.Dashed, $"{family.Key}: p99 TTFT");
            foreach (var p in items)
            {
                // The knob labels the mean marker from above-right, clear of the marker and of the p99 marker below it.
                var text = plot.Add.Text(p.Knob == "" ? family.Key : p.Knob, p.P99ItlMs, Math.Log10(p.MeanTtftMs));
                text.LabelFontSize = 12;
                text.LabelFontColor = color;
                text.LabelAlignment = Alignment.LowerLeft;
                text.OffsetX = 8;
                text.OffsetY = -8;
            }
        }
        if (usable.Length > 0)
        {
            double lo = usable.Min(p => Math.Min(p.MeanTtftMs, p.P99TtftMs)), hi = usable.Max(p => Math.Max(p.MeanTtftMs, p.P99TtftMs));
            PlotFile.LogTicks(plot.Axes.Left, lo, hi);
            plot.Axes.SetLimitsY(Math.Log10(lo) - 0.15, Math.Log10(hi) + 0.25);
            double xlo = usable.Min(p => p.P99ItlMs), xhi = usable.Max(p => p.P99ItlMs);
            double pad = Math.Max(1, (xhi - xlo) * 0.12);
            plot.Axes.SetLimitsX(xlo - pad, xhi + 2 * pad);
        }
        plot.ShowLegend(Edge.Right);
        return PlotFile.Save(plot, folder, stem, title);
    }

    private static void Series(Plot plot, PointResult[] items, Func<PointResult, double> y, Color color, MarkerShape marker, LinePattern pattern, string legend)
    {
        var dots = plot.Add.ScatterPoints(items.Select(p => p.P99ItlMs).ToArray(), items.Select(p => Math.Log10(y(p))).ToArray(), color);
        dots.MarkerShape = marker;
        dots.MarkerSize = 9;
        dots.LegendText = legend;
        var frontier = Pareto.Frontier(items, p => p.P99ItlMs, y);
        if (frontier.Count < 2) return;
        var line = plot.Add.Scatter(frontier.Select(p => p.P99ItlMs).ToArray(), frontier.Select(p => Math.Log10(y(p))).ToArray(), color);
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.MarkerSize = 0;
    }
}
