using System.Globalization;
using LayeredPrefill.Reporting.Gpu;
using LayeredPrefill.Reporting.Reports;
using ScottPlot;

namespace LayeredPrefill.Plots;

/// <summary>The plots of one GPU call's results: layer time and rates against the peers and the card, serve iterations, calibration.</summary>
public static class GpuPlots
{
    /// <summary>Layer time against batch size on log–log axes: ours, the same-call control kernel, the peers and cuBLAS.</summary>
    public static PlotImage LayerTime(IReadOnlyList<(string Name, IReadOnlyList<(int T, double Micros)> Points)> series, string card, string folder)
    {
        var plot = PlotFile.New($"One Qwen3-30B-A3B MoE layer on {card}", "tokens in the batch (log)", "expert part of the layer, µs (log)");
        var allT = new SortedSet<int>();
        double yMin = double.MaxValue, yMax = 0;
        for (int i = 0; i < series.Count; i++)
        {
            var pts = series[i].Points.Where(p => p.T > 0 && double.IsFinite(p.Micros) && p.Micros > 0).OrderBy(p => p.T).ToArray();
            if (pts.Length == 0) continue;
            foreach (var p in pts) { allT.Add(p.T); yMin = Math.Min(yMin, p.Micros); yMax = Math.Max(yMax, p.Micros); }
            var s = plot.Add.Scatter(pts.Select(p => Math.Log10(p.T)).ToArray(), pts.Select(p => Math.Log10(p.Micros)).ToArray(), PlotFile.Series(i));
            s.LegendText = series[i].Name;
            s.LineWidth = i == 0 ? 3 : 1.5f;
            s.MarkerSize = i == 0 ? 8 : 6;
        }
        LogTicks(plot.Axes.Bottom, allT.Select(t => (double)t));
        LogTicks(plot.Axes.Left, Decades(yMin, yMax));
        plot.ShowLegend(Alignment.UpperLeft);
        return PlotFile.Save(plot, folder, "layer-time", plot.Axes.Title.Label.Text);
    }

    /// <summary>Our time over the best peer's at each batch size the peers were timed at, beside the issue's target.</summary>
    public static PlotImage Ratio(IReadOnlyList<(int T, double Ratio, double Target)> rows, string card, string folder)
    {
        var groups = rows.Select(r => new BarGroup($"T={r.T}", [r.Ratio, r.Target])).ToList();
        return GroupedBarPlot.Render(groups, ["ours ÷ best peer (same call)", "target (at most)"], $"Layer time relative to the best peer on {card}",
            "batch size", "ratio", folder, "ratio-to-peer", [PlotFile.Series(0), Colors.Gray], "0.00");
    }

    /// <summary>Achieved rate against batch size with the card's measured ceiling as a line.</summary>
    public static PlotImage Rate(IReadOnlyList<LayerTiming> ours, Func<LayerTiming, double> rate, double ceiling, string what, string unit, string stem, string card, string folder)
    {
        var plot = PlotFile.New($"Achieved {what} of the expert part on {card}", "tokens in the batch (log)", unit);
        var pts = ours.OrderBy(t => t.Tokens).ToArray();
        var s = plot.Add.Scatter(pts.Select(t => Math.Log10(t.Tokens)).ToArray(), pts.Select(rate).ToArray(), PlotFile.Series(0));
        s.LegendText = "ours (kernel 7)";
        s.LineWidth = 2;
        // Solid lines only: SkiaSharp's SVG canvas drops dash effects (and prints a warning per segment).
        var line = plot.Add.HorizontalLine(ceiling, 2, Colors.Gray);
        line.LegendText = $"card, measured in the same call: {ceiling.ToString("0.##", CultureInfo.InvariantCulture)} {unit}";
        LogTicks(plot.Axes.Bottom, pts.Select(t => (double)t.Tokens));
        plot.Axes.SetLimitsY(0, ceiling * 1.15);
        plot.ShowLegend(Alignment.UpperLeft);
        return PlotFile.Save(plot, folder, stem, plot.Axes.Title.Label.Text);
    }

    /// <summary>Predicted against measured time of every calibration iteration, with the y = x line.</summary>
    public static PlotImage Calibration(IReadOnlyList<CalibrationDot> rows, double mape, string card, string folder)
    {
        var plot = PlotFile.New($"Calibrated profile vs measured iterations on {card} (MAPE {mape.ToString("0.0", CultureInfo.InvariantCulture)}%)",
            "measured iteration time (ms)", "predicted by the calibrated profile (ms)");
        int index = 0;
        foreach (var g in rows.GroupBy(r => r.Policy))
        {
            var dots = plot.Add.ScatterPoints(g.Select(r => r.MeasuredMillis).ToArray(), g.Select(r => r.PredictedMillis).ToArray(), PlotFile.Series(index));
            dots.MarkerShape = PlotFile.Marker(index);
            dots.MarkerSize = 8;
            dots.LegendText = g.Key;
            index++;
        }
        double max = rows.Max(r => Math.Max(r.MeasuredMillis, r.PredictedMillis)) * 1.05;
        var diagonal = plot.Add.Line(0, 0, max, max);
        diagonal.LineColor = Colors.Gray;
        diagonal.LegendText = "prediction = measurement";
        plot.Axes.SetLimits(0, max, 0, max);
        plot.ShowLegend(Alignment.UpperLeft);
        return PlotFile.Save(plot, folder, "calibration-iterations", plot.Axes.Title.Label.Text);
    }

    // Ticks at the given values on a log10 axis, labelled with the values themselves.
    private static void LogTicks(IAxis axis, IEnumerable<double> values)
    {
        var v = values.Where(x => x > 0).Distinct().OrderBy(x => x).ToArray();
        axis.SetTicks(v.Select(Math.Log10).ToArray(), v.Select(x => x.ToString("0.###", CultureInfo.InvariantCulture)).ToArray());
    }

    // 1, 2, 5 × powers of ten spanning [lo, hi].
    private static IEnumerable<double> Decades(double lo, double hi)
    {
        for (int e = (int)Math.Floor(Math.Log10(lo)); e <= (int)Math.Ceiling(Math.Log10(hi)); e++)
            foreach (double m in new[] { 1.0, 2.0, 5.0 })
            {
                double x = m * Math.Pow(10, e);
                if (x >= lo / 2 && x <= hi * 2) yield return x;
            }
    }
}
