using System.Text;
using System.Text.Json;
using LayeredPrefill.IO;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Sweeps;

/// <summary>A sweep's capacity.json: every search's answer and the rates it probed (the probes' point files sit with the grid's).</summary>
public static class CapacityFile
{
    /// <summary>The file in the sweep's folder.</summary>
    public static string PathOf(SweepStore store) => Path.Combine(store.Folder, "capacity.json");

    /// <summary>Writes <paramref name="results"/>.</summary>
    public static void Write(SweepStore store, IReadOnlyList<CapacityResult> results)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var r in results)
            {
                w.WriteStartObject();
                w.WriteString("model", r.Model);
                w.WriteString("trace", r.Trace);
                w.WriteString("policy", r.Policy);
                w.WriteNumber("target", r.Target);
                if (r.CapacityRps is { } c) w.WriteNumber("capacity_rps", c); else w.WriteNull("capacity_rps");
                if (r.FirstMissRps is { } m) w.WriteNumber("first_miss_rps", m); else w.WriteNull("first_miss_rps");
                w.WriteStartArray("probes");
                foreach (var p in r.Probes)
                {
                    w.WriteStartObject();
                    w.WriteNumber("rate", p.RatePerSecond);
                    w.WriteNumber("slo_attainment", p.Attainment);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        AtomicFile.WriteAllText(PathOf(store), Encoding.UTF8.GetString(buffer.ToArray()) + "\n");
    }

    /// <summary>The searches recorded for the sweep, or none.</summary>
    public static IReadOnlyList<CapacityResult> Read(SweepStore store)
    {
        string path = PathOf(store);
        if (!File.Exists(path)) return [];
        try
        {
            using var doc = JsonDocument.Parse(BoundedFile.ReadAllText(path, ReadLimits.SweepDefinition));
            return doc.RootElement.EnumerateArray().Select(r => new CapacityResult(
                r.GetProperty("model").GetString()!, r.GetProperty("trace").GetString()!, r.GetProperty("policy").GetString()!,
                r.GetProperty("target").GetDouble(),
                r.GetProperty("capacity_rps").ValueKind == JsonValueKind.Number ? r.GetProperty("capacity_rps").GetDouble() : null,
                r.GetProperty("first_miss_rps").ValueKind == JsonValueKind.Number ? r.GetProperty("first_miss_rps").GetDouble() : null,
                r.GetProperty("probes").EnumerateArray().Select(p => new CapacityProbe(p.GetProperty("rate").GetDouble(), p.GetProperty("slo_attainment").GetDouble())).ToArray()))
                .ToArray();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new UserInputException($"{path}: not a capacity file ({e.Message.Split('\n')[0]}); delete it and run the sweep again");
        }
    }

    /// <summary>The sweep points of every probe of the recorded searches (for the report and summary.csv); a search whose
    /// model and trace no grid of the definition holds any more has no points.</summary>
    public static IReadOnlyList<SweepPoint> ProbePoints(SweepDefinition definition, SweepStore store) =>
        Read(store).SelectMany(r =>
        {
            if (CapacityRunner.SearchGrid(definition, r.Model, r.Trace) is not { } grid) return Enumerable.Empty<SweepPoint>();
            var policy = PolicyRegistry.Parse(r.Policy);
            return r.Probes.Select(p => new SweepPoint(r.Model, r.Trace, policy, p.RatePerSecond, definition.RequestsFor(grid, p.RatePerSecond), definition.Seed, grid.MaxModelLengthTokens));
        }).DistinctBy(p => p.Key).ToArray();
}
