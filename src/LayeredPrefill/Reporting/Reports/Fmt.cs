using System.Globalization;

namespace LayeredPrefill.Reporting.Reports;

/// <summary>Number formatting for report tables: invariant culture, "–" for undefined values.</summary>
public static class Fmt
{
    /// <summary>Formats <paramref name="value"/> with <paramref name="format"/>, or "–" when not finite.</summary>
    public static string N(double value, string format = "0.0") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "–";

    /// <summary>A fraction as a percentage.</summary>
    public static string Pct(double fraction) => N(fraction * 100, "0.0");

    /// <summary>A rate in req/s.</summary>
    public static string Rate(double rate) => rate.ToString("0.###", CultureInfo.InvariantCulture);
}
