namespace LayeredPrefill.Reporting.Reports;

/// <summary>A rendered plot: its caption and its PNG and SVG files.</summary>
public sealed record PlotImage(string Caption, string PngPath, string SvgPath);
