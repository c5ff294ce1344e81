using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Experiments;

namespace LayeredPrefill.Sweeps;

/// <summary>
/// A sweep point's identity: a SHA-256 of everything that determines its result, not of its names. It covers the
/// bytes of the trace and config.json files it reads, the resolved model shape, every number of the device profile,
/// every request of the workload (arrival bits, lengths), the policy and its knobs, the SLO, TP, routing and the
/// other spec fields. Resume reuses a point file only when the identity stored in it is this one: editing a trace,
/// a config.json or a device profile's numbers re-runs the point instead of reporting a stale result.
/// </summary>
public static class PointIdentity
{
    /// <summary>Bumped when what the identity covers changes, so old point files are re-run rather than trusted.</summary>
    public const int Version = 1;

    /// <summary>The identity of <paramref name="point"/>, run as <paramref name="spec"/>, whose files hash to <paramref name="sourceHashes"/>.</summary>
    public static string Of(SweepPoint point, ExperimentSpec spec, IReadOnlyList<string> sourceHashes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        Add($"layered-prefill sweep point v{Version}");
        Add(point.ExactName);
        foreach (string h in sourceHashes) Add(h);
        // Records print every property, so a field someone adds to the spec, model, policy or SLO is covered without
        // touching this file; the device's tables and the workload's requests are written out in full below.
        Add(spec.ToString());
        Add(DeviceProfileJson.ToJson(spec.Device));
        var buffer = new byte[20];
        foreach (var r in spec.Workload.Requests)
        {
            BitConverter.TryWriteBytes(buffer.AsSpan(0, 4), r.Id);
            BitConverter.TryWriteBytes(buffer.AsSpan(4, 8), BitConverter.DoubleToInt64Bits(r.ArrivalSeconds));
            BitConverter.TryWriteBytes(buffer.AsSpan(12, 4), r.PromptTokens);
            BitConverter.TryWriteBytes(buffer.AsSpan(16, 4), r.OutputTokens);
            hash.AppendData(buffer);
        }
        Add(spec.Workload.Requests.Count.ToString(CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
