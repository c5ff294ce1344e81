using LayeredPrefill.IO;
using LayeredPrefill.Reporting.Reports;
using ScottPlot;

namespace LayeredPrefill.Plots;

/// <summary>Shared look and atomic saving of plots.</summary>
public static class PlotFile
{
    /// <summary>Default image size in pixels.</summary>
    public const int Width = 900, Height = 560;

    /// <summary>A new plot in the project's style; the font is set explicitly since ScottPlot's default resolves to a serif face.</summary>
    public static Plot New(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        plot.Title(title, size: 16);
        plot.XLabel(xLabel, size: 14);
        plot.YLabel(yLabel, size: 14);
        return plot;
    }

    /// <summary>Writes &lt;folder&gt;/&lt;stem&gt;.png and .svg atomically.</summary>
    public static PlotImage Save(Plot plot, string folder, string stem, string caption, int width = Width, int height = Height)
    {
        Directory.CreateDirectory(folder);
        string png = Path.Combine(folder, stem + ".png");
        string svg = Path.Combine(folder, stem + ".svg");
        AtomicFile.WriteAllBytes(png, plot.GetImageBytes(width, height, ImageFormat.Png));
        AtomicFile.WriteAllText(svg, plot.GetSvgXml(width, height));
        return new PlotImage(caption, png, svg);
    }

    /// <summary>A marker shape per series, so series that coincide stay told apart in print and in grey.</summary>
    public static MarkerShape Marker(int i) => (i % 6) switch
    {
        0 => MarkerShape.FilledCircle,
        1 => MarkerShape.FilledSquare,
        2 => MarkerShape.FilledTriangleUp,
        3 => MarkerShape.FilledDiamond,
        4 => MarkerShape.OpenCircle,
        _ => MarkerShape.OpenSquare,
    };

    /// <summary>Ticks at the given values on an axis that plots log10 of the data, labelled with the values themselves.</summary>
    public static void LogTicks(IAxis axis, double lo, double hi)
    {
        var values = new List<double>();
        for (int e = (int)Math.Floor(Math.Log10(lo)) - 1; e <= (int)Math.Ceiling(Math.Log10(hi)) + 1; e++)
            foreach (double m in new[] { 1.0, 2.0, 5.0 })
            {
                double x = m * Math.Pow(10, e);
                if (x >= lo / 1.5 && x <= hi * 1.5) values.Add(x);
            }
        axis.SetTicks(values.Select(Math.Log10).ToArray(), values.Select(v => v.ToString("#,0.###", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    /// <summary>A stable colour for the i-th series.</summary>
    public static Color Series(int i) => new ScottPlot.Palettes.Category10().GetColor(i);

    /// <summary>Colour of a policy family: chunked blue, layered orange, prefill-first grey.</summary>
    public static Color Family(string family) => family switch
    {
        "chunked" => Series(0),
        "layered" => Series(1),
        _ => Series(7),
    };
}
