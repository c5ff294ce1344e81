using LayeredPrefill.Reporting.Reports;
using ScottPlot;

namespace LayeredPrefill.Plots;

/// <summary>One bar group: a label under the group and one value per series (NaN leaves a gap).</summary>
public sealed record BarGroup(string Label, IReadOnlyList<double> Values);

/// <summary>Grouped bars: per group (e.g. model and trace) one bar per series (e.g. policy), each series in its own colour.</summary>
public static class GroupedBarPlot
{
    /// <summary>Renders the groups; <paramref name="seriesNames"/> name the bars in the legend.</summary>
    public static PlotImage Render(IReadOnlyList<BarGroup> groups, IReadOnlyList<string> seriesNames, string title, string xLabel, string yLabel, string folder, string stem,
        IReadOnlyList<Color>? colors = null, string valueFormat = "0.###")
    {
        var plot = PlotFile.New(title, xLabel, yLabel);
        int n = seriesNames.Count;
        double width = 0.8 / n;
        for (int s = 0; s < n; s++)
        {
            var color = colors?[s] ?? PlotFile.Series(s);
            var bars = new List<Bar>();
            for (int g = 0; g < groups.Count; g++)
            {
                double v = groups[g].Values[s];
                if (!double.IsFinite(v)) continue;
                bars.Add(new Bar
                {
                    Position = g + (s - (n - 1) / 2.0) * width,
                    Value = v,
                    Size = width * 0.92,
                    FillColor = color,
                    Label = v.ToString(valueFormat, System.Globalization.CultureInfo.InvariantCulture),
                });
            }
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = seriesNames[s];
            plottable.ValueLabelStyle.FontSize = n > 4 ? 10 : 12;
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, groups.Count).Select(i => (double)i).ToArray(), groups.Select(g => g.Label).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0, top: 0.2);
        plot.ShowLegend(Alignment.UpperRight);
        return PlotFile.Save(plot, folder, stem, title);
    }
}
