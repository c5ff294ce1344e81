using LayeredPrefill.Metrics;
using LayeredPrefill.Reporting.Reports;
using LayeredPrefill.Sweeps;
using ScottPlot;

namespace LayeredPrefill.Plots;

/// <summary>TTFT–TBT Pareto frontiers per policy family at one rate: x p99 ITL, y mean TTFT (filled, solid) and p90 TTFT (open, dashed).</summary>
public static class ParetoPlot
{
    /// <summary>Renders the frontier of <paramref name="points"/> (one model, trace and rate).</summary>
    public static PlotImage Render(IReadOnlyList<PointResult> points, string title, string folder, string stem)
    {
        var plot = PlotFile.New(title, "p99 inter-token latency (ms)", "TTFT (ms)");
        foreach (var family in points.GroupBy(p => p.Family))
        {
            var color = PlotFile.Family(family.Key);
            var items = family.ToArray();
            Series(plot, items, p => p.MeanTtftMs, color, MarkerShape.FilledCircle, LinePattern.Solid, $"{family.Key}: mean TTFT");
            Series(plot, items, p => p.P90TtftMs, color, MarkerShape.OpenCircle, LinePattern.Dashed, $"{family.Key}: p90 TTFT");
            foreach (var p in items.Where(p => double.IsFinite(p.P99ItlMs) && double.IsFinite(p.MeanTtftMs)))
            {
                var text = plot.Add.Text(p.Knob == "" ? family.Key : p.Knob, p.P99ItlMs, p.MeanTtftMs);
                text.LabelFontSize = 12;
                text.LabelFontColor = color;
                text.LabelAlignment = Alignment.LowerLeft;
                text.OffsetX = 5;
                text.OffsetY = -3;
            }
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Margins(0.2, 0.12);
        return PlotFile.Save(plot, folder, stem, title);
    }

    private static void Series(Plot plot, PointResult[] items, Func<PointResult, double> y, Color color, MarkerShape marker, LinePattern pattern, string legend)
    {
        var all = items.Where(p => double.IsFinite(p.P99ItlMs) && double.IsFinite(y(p))).ToArray();
        if (all.Length == 0) return;
        var dots = plot.Add.ScatterPoints(all.Select(p => p.P99ItlMs).ToArray(), all.Select(y).ToArray(), color);
        dots.MarkerShape = marker;
        dots.MarkerSize = 9;
        dots.LegendText = legend;
        var frontier = Pareto.Frontier(all, p => p.P99ItlMs, y);
        if (frontier.Count < 2) return;
        var line = plot.Add.Scatter(frontier.Select(p => p.P99ItlMs).ToArray(), frontier.Select(y).ToArray(), color);
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.MarkerSize = 0;
    }
}
