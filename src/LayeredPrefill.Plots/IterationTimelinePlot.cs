using LayeredPrefill.Reporting.Reports;
using LayeredPrefill.Serving;
using ScottPlot;

namespace LayeredPrefill.Plots;

/// <summary>Which layers carried prefill in each iteration: a box per iteration spanning its simulated time and its prefill layer range.</summary>
public static class IterationTimelinePlot
{
    /// <summary>Renders <paramref name="iterations"/> (a window of one run) of a <paramref name="layers"/>-layer model.</summary>
    /// <param name="windowMs">The x-axis span, shared by the plots of the policies being compared so their widths compare; null fits this window.</param>
    /// <param name="family">The policy's family, which colours its prefill slices as everywhere else in the report.</param>
    public static PlotImage Render(IReadOnlyList<IterationRecord> iterations, int layers, string title, string folder, string stem, double? windowMs = null, string family = "layered")
    {
        var plot = PlotFile.New(title, "simulated time (ms from the window's start)", "layer");
        if (iterations.Count > 0)
        {
            double t0 = iterations[0].StartSeconds;
            var prefill = PlotFile.Family(family);
            var decode = Colors.LightGray;
            bool prefillLabelled = false, decodeLabelled = false;
            foreach (var it in iterations)
            {
                double left = (it.StartSeconds - t0) * 1000, right = left + it.DurationSeconds * 1000;
                bool hasPrefill = it.PrefillLayerStart >= 0;
                // Decode-only iterations get a thin grey strip at the bottom, so gaps between prefill slices stay visible.
                var rect = hasPrefill
                    ? plot.Add.Rectangle(left, right, it.PrefillLayerStart, it.PrefillLayerEnd)
                    : plot.Add.Rectangle(left, right, -1.2, -0.2);
                rect.FillColor = hasPrefill ? prefill.WithAlpha(0.75) : decode;
                rect.LineColor = Colors.White;
                rect.LineWidth = 0.5f;
                if (hasPrefill && !prefillLabelled) { rect.LegendText = "prefill slice (layers it ran through)"; prefillLabelled = true; }
                if (!hasPrefill && !decodeLabelled) { rect.LegendText = "decode-only iteration"; decodeLabelled = true; }
            }
        }
        // The layer axis ends at the model's last layer; the legend goes under the plot, off the boxes.
        plot.Axes.SetLimitsY(-1.5, layers);
        if (windowMs is { } span) plot.Axes.SetLimitsX(0, span);
        plot.ShowLegend(Edge.Bottom);
        return PlotFile.Save(plot, folder, stem, title);
    }
}
