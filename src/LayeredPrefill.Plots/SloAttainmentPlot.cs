using LayeredPrefill.Reporting.Reports;
using LayeredPrefill.Sweeps;
using ScottPlot;

namespace LayeredPrefill.Plots;

/// <summary>A reference curve drawn beside the simulated ones (e.g. the paper's attainment for one policy).</summary>
public sealed record ReferenceCurve(string Label, string Policy, IReadOnlyList<double> Rates, IReadOnlyList<double> Percent);

/// <summary>SLO attainment vs request rate per policy, with the 90% line (the paper's main figure).</summary>
public static class SloAttainmentPlot
{
    /// <summary>
    /// Renders attainment of <paramref name="points"/> (one model and trace; the mean over seeds, and a shaded band from the
    /// lowest to the highest seed where there are several), with optional reference curves dashed.
    /// </summary>
    public static PlotImage Render(IReadOnlyList<SeedSpread> points, IReadOnlyList<string> policyOrder, string title, string folder, string stem,
        IReadOnlyList<ReferenceCurve>? references = null)
    {
        var plot = PlotFile.New(title, "request rate (req/s)", "SLO attainment (%)");
        var line90 = plot.Add.HorizontalLine(90, 1.5f, Colors.Gray, LinePattern.Dotted);
        line90.LegendText = "90%";
        for (int i = 0; i < policyOrder.Count; i++)
        {
            var series = points.Where(p => p.Policy == policyOrder[i] && double.IsFinite(p.MeanAttainment)).OrderBy(p => p.RatePerSecond).ToArray();
            if (series.Length == 0) continue;
            double[] rates = series.Select(p => p.RatePerSecond).ToArray();
            // Policies that sit on 100% together stay visible: each is nudged sideways by a sliver of the rate range and has its own marker.
            double span = Math.Max(1e-9, points.Max(p => p.RatePerSecond) - points.Min(p => p.RatePerSecond));
            double nudge = (i - (policyOrder.Count - 1) / 2.0) * span * 0.006;
            if (series.Any(p => p.Seeds > 1))
            {
                var band = plot.Add.FillY(rates, series.Select(p => p.MinAttainment * 100).ToArray(), series.Select(p => p.MaxAttainment * 100).ToArray());
                band.FillColor = PlotFile.Series(i).WithAlpha(0.25);
                band.LineWidth = 0;
                band.LegendText = $"{policyOrder[i]} (range over {series.Max(p => p.Seeds)} seeds)";
            }
            var s = plot.Add.Scatter(rates.Select(r => r + nudge).ToArray(), series.Select(p => p.MeanAttainment * 100).ToArray(), PlotFile.Series(i));
            s.LegendText = references is null ? policyOrder[i] : $"{policyOrder[i]} (simulated)";
            // Earlier series are drawn wider, so a curve hidden under a later one still shows as a halo.
            s.LineWidth = Math.Max(1.5f, 4.5f - 0.6f * i);
            s.MarkerShape = PlotFile.Marker(i);
            s.MarkerSize = Math.Max(7, 12 - 1f * i);
        }
        foreach (var r in references ?? [])
        {
            int index = Math.Max(0, policyOrder.ToList().IndexOf(r.Policy));
            var s = plot.Add.Scatter(r.Rates.ToArray(), r.Percent.ToArray(), PlotFile.Series(index));
            s.LegendText = r.Label;
            s.LinePattern = LinePattern.Dashed;
            s.MarkerShape = MarkerShape.OpenSquare;
            s.MarkerSize = 8;
        }
        // Attainment lives in 0–100%: ticks there only, a hair of margin so markers at 0 and 100 are whole.
        plot.Axes.SetLimitsY(-2, 102);
        plot.Axes.Left.SetTicks([0, 20, 40, 60, 80, 90, 100], ["0", "20", "40", "60", "80", "90", "100"]);
        plot.ShowLegend(Edge.Right);
        return PlotFile.Save(plot, folder, stem, title);
    }
}
