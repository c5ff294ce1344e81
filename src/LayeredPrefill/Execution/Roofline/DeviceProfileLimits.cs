using System.Globalization;

namespace LayeredPrefill.Execution.Roofline;

/// <summary>
/// What a GPU can physically be, generously (a laptop GPU to a superchip several generations out): a profile outside
/// these ranges has a typo or a wrong unit, and would otherwise overflow the KV sizing ("KV -16 tokens") or price an
/// iteration at 1e302 simulated seconds. Each refusal names the file and the field.
/// </summary>
public static class DeviceProfileLimits
{
    /// <summary>The range of each top-level number, with its unit for messages.</summary>
    public static IReadOnlyList<(string Field, double Min, double Max, string Unit)> Ranges { get; } =
    [
        ("memoryBytes", 1e8, 1e13, "bytes"),
        ("peakMemoryBytesPerSecond", 1e9, 1e14, "bytes/s"),
        ("peakMatrixFlopsPerSecond", 1e9, 1e17, "FLOP/s"),
        ("interconnectBytesPerSecond", 1e6, 1e14, "bytes/s"),
        ("interconnectLatencySeconds", 0, 0.1, "s"),
        ("idleWatts", 0, 1e5, "W"),
        ("dramPicojoulesPerByte", 0, 1e4, "pJ/byte"),
        ("picojoulesPerFlop", 0, 1e3, "pJ/FLOP"),
    ];

    /// <summary>The smallest fraction of a peak an op may reach (below it a typo, e.g. 1e-300, not a slow kernel); the calibration's own floor.</summary>
    public const double MinFraction = 1e-4;

    /// <summary>The longest fixed cost of one kernel launch.</summary>
    public const double MaxLaunchSeconds = 0.1;

    /// <summary>Refuses <paramref name="p"/> when a number is outside what a GPU can be; <paramref name="where"/> names the file.</summary>
    public static DeviceProfile Check(DeviceProfile p, string where)
    {
        double[] values = [p.MemoryBytes, p.PeakMemoryBytesPerSecond, p.PeakMatrixFlopsPerSecond, p.InterconnectBytesPerSecond,
            p.InterconnectLatencySeconds, p.IdleWatts, p.DramPicojoulesPerByte, p.PicojoulesPerFlop];
        for (int i = 0; i < values.Length; i++)
        {
            var (field, min, max, unit) = Ranges[i];
            Require(values[i], min, max, unit, where, field);
        }
        foreach (var (op, e) in p.Efficiency) Efficiency(e, where, $"efficiency.{op}.");
        if (p.Shaped is { } shaped)
            for (int i = 0; i < shaped.Count; i++)
            {
                Require(shaped[i].WeightBytes, 1, 1e13, "bytes", where, $"shaped[{i}].weightBytes");
                Efficiency(shaped[i].Efficiency, where, $"shaped[{i}].");
            }
        return p;
    }

    private static void Efficiency(OpEfficiency e, string where, string prefix)
    {
        Require(e.ComputeFraction, MinFraction, 1, "of the peak", where, prefix + "computeFraction");
        Require(e.MemoryFraction, MinFraction, 1, "of the peak", where, prefix + "memoryFraction");
        Require(e.LaunchOverheadSeconds, 0, MaxLaunchSeconds, "s", where, prefix + "launchOverheadSeconds");
    }

    private static void Require(double value, double min, double max, string unit, string where, string field)
    {
        if (value >= min && value <= max) return;
        throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
            $"{where}: field '{field}' is {value:G4}, outside what a GPU can have ([{min:G3}, {max:G3}] {unit}); is a unit or an exponent wrong?"));
    }
}
