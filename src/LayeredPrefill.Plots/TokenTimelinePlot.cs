using LayeredPrefill.Reporting.Reports;
using LayeredPrefill.Serving;
using ScottPlot;

namespace LayeredPrefill.Plots;

/// <summary>One request's output tokens over simulated wall-clock time under each policy (the paper's token-generation figure).</summary>
public static class TokenTimelinePlot
{
    /// <summary>Renders token index vs seconds since the request arrived, one line per (policy, timeline).</summary>
    public static PlotImage Render(IReadOnlyList<(string Policy, RequestTimeline Request)> series, string title, string folder, string stem)
    {
        var plot = PlotFile.New(title, "seconds since the request arrived (simulated)", "output token index");
        for (int i = 0; i < series.Count; i++)
        {
            var (policy, r) = series[i];
            if (r.TokenTimesSeconds.Count == 0) continue;
            double[] xs = r.TokenTimesSeconds.Select(t => t - r.ArrivalSeconds).ToArray();
            double[] ys = Enumerable.Range(1, xs.Length).Select(k => (double)k).ToArray();
            var s = plot.Add.Scatter(xs, ys, PlotFile.Series(i));
            s.LegendText = policy;
            s.LineWidth = 2;
            s.MarkerSize = 3;
        }
        // Outside the data: the lines run corner to corner, so any inside corner covers one.
        plot.ShowLegend(Edge.Right);
        return PlotFile.Save(plot, folder, stem, title);
    }
}
