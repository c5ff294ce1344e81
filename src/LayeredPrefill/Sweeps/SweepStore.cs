using System.Text;
using System.Text.Json;
using LayeredPrefill.Experiments;
using LayeredPrefill.IO;

namespace LayeredPrefill.Sweeps;

/// <summary>
/// A sweep's folder, results/sweeps/&lt;name&gt;/: definition.json and one JSON file per finished point under points/.
/// Files are written atomically, so a point file exists only when its run finished.
/// </summary>
public sealed class SweepStore(string root, string name)
{
    /// <summary>The sweep's folder.</summary>
    public string Folder { get; } = Path.Combine(root, "sweeps", name);

    /// <summary>Where point files live.</summary>
    public string PointsFolder => Path.Combine(Folder, "points");

    /// <summary>The definition file.</summary>
    public string DefinitionPath => Path.Combine(Folder, "definition.json");

    /// <summary>The result file of <paramref name="point"/>.</summary>
    public string PathOf(SweepPoint point) => Path.Combine(PointsFolder, point.Key + ".json");

    /// <summary>True when <paramref name="point"/> already finished.</summary>
    public bool IsDone(SweepPoint point) => File.Exists(PathOf(point));

    /// <summary>Records the definition the points belong to.</summary>
    public void SaveDefinition(SweepDefinition definition) => AtomicFile.WriteAllText(DefinitionPath, SweepDefinitionJson.Write(definition));

    /// <summary>Reads the recorded definition (a user error when the sweep was never run).</summary>
    public SweepDefinition LoadDefinition()
    {
        if (!File.Exists(DefinitionPath)) throw new UserInputException($"--name: no sweep at '{Folder}' (run `sweep` first)");
        return SweepDefinitionJson.ReadFile(DefinitionPath);
    }

    /// <summary>Saves one finished point atomically.</summary>
    public void Save(SweepPoint point, RunReport report) => AtomicFile.WriteAllText(PathOf(point), Serialize(point, report));

    /// <summary>The point file's text: the point's identity and the project's result JSON for its run.</summary>
    public static string Serialize(SweepPoint point, RunReport report)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("key", point.Key);
            w.WriteString("model", point.Model);
            w.WriteString("trace", point.Trace);
            w.WriteString("policy", point.Policy.Name);
            w.WriteNumber("rate", point.RatePerSecond);
            w.WriteNumber("requests", point.Requests);
            w.WriteNumber("seed", point.Seed);
            w.WritePropertyName("result");
            w.WriteRawValue(ResultJson.Write([report], new ResultJson.Options()));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Results of the finished points of <paramref name="points"/> (missing ones are skipped), in the points' order.</summary>
    public IReadOnlyList<PointResult> Load(IEnumerable<SweepPoint> points) =>
        points.Where(IsDone).Select(p => PointResult.Parse(File.ReadAllText(PathOf(p)), PathOf(p))).ToArray();
}
