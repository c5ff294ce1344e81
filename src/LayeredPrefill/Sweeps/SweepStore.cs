using System.Text.Json;
using LayeredPrefill.Experiments;
using LayeredPrefill.IO;

namespace LayeredPrefill.Sweeps;

/// <summary>What resume finds in a point's file.</summary>
public enum PointFileState
{
    /// <summary>No file: the point never finished.</summary>
    Missing,
    /// <summary>A whole result of this very point (same identity): reused.</summary>
    Valid,
    /// <summary>A whole result, but of other inputs (an edited trace, config.json or device profile): run again.</summary>
    Changed,
    /// <summary>Truncated, corrupt or not a point file: removed and run again.</summary>
    Damaged,
}

/// <summary>
/// A sweep's folder, results/sweeps/&lt;name&gt;/: definition.json, a lock file, and one JSON file per finished point
/// under points/. Files are written by <see cref="AtomicFile"/>, so a point file exists only when its run finished;
/// each records the point's content identity, which resume checks before reusing it.
/// </summary>
public sealed class SweepStore(string root, string name)
{
    /// <summary>Version of the point file layout: the result layout's (<see cref="ResultJson.FormatVersion"/>), whose flat object the point file is.</summary>
    public const int FormatVersion = ResultJson.FormatVersion;

    /// <summary>The sweep's folder.</summary>
    public string Folder { get; } = Path.Combine(root, "sweeps", name);

    /// <summary>Where point files live.</summary>
    public string PointsFolder => Path.Combine(Folder, "points");

    /// <summary>The definition file.</summary>
    public string DefinitionPath => Path.Combine(Folder, "definition.json");

    /// <summary>The lock file a running sweep holds (with its pid).</summary>
    public string LockPath => Path.Combine(Folder, ".lock");

    /// <summary>The result file of <paramref name="point"/>.</summary>
    public string PathOf(SweepPoint point) => Path.Combine(PointsFolder, point.Key + ".json");

    /// <summary>True when <paramref name="point"/> has a result file (whatever its state; see <see cref="Check"/>).</summary>
    public bool IsDone(SweepPoint point) => File.Exists(PathOf(point));

    /// <summary>What resume finds for <paramref name="point"/>: the file is read whole, parsed and its identity compared.</summary>
    public PointFileState Check(PlannedPoint point)
    {
        if (!File.Exists(point.Path)) return PointFileState.Missing;
        try
        {
            string text = BoundedFile.ReadAllText(point.Path, ReadLimits.SweepPoint);
            PointResult.Parse(text, point.Path);
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            bool whole = root.TryGetProperty("format_version", out var f) && f.TryGetInt32(out int v) && v == FormatVersion
                && root.GetProperty("interrupted").ValueKind == JsonValueKind.False;
            if (!whole) return PointFileState.Damaged;
            return root.TryGetProperty("point_identity", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == point.Identity
                ? PointFileState.Valid : PointFileState.Changed;
        }
        catch (Exception e) when (e is UserInputException or JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return PointFileState.Damaged;
        }
    }

    /// <summary>Records the definition the points belong to.</summary>
    public void SaveDefinition(SweepDefinition definition) => AtomicFile.WriteAllText(DefinitionPath, SweepDefinitionJson.Write(definition));

    /// <summary>Reads the recorded definition (a user error when the sweep was never run).</summary>
    public SweepDefinition LoadDefinition()
    {
        if (!File.Exists(DefinitionPath)) throw new UserInputException($"--name: no sweep at '{Folder}' (run `sweep` first)");
        return SweepDefinitionJson.ReadFile(DefinitionPath);
    }

    /// <summary>Saves one finished point atomically.</summary>
    public void Save(PlannedPoint point, RunReport report) => AtomicFile.WriteAllText(point.Path, Serialize(point.Point, point.Identity, report));

    /// <summary>
    /// The point file's text: the flat result layout of its run, led by the point's key, its content identity (which resume
    /// checks) and its names as the definition gives them.
    /// </summary>
    public static string Serialize(SweepPoint point, string identity, RunReport report, DateTimeOffset? date = null) =>
        ResultJson.Write(report, RunContext.Roofline(report.Spec, date ?? RunContext.Now()), new ResultJson.Options(),
            [("point_key", point.Key), ("point_identity", identity), ("point_model", point.Model), ("point_trace", point.Trace)]);

    /// <summary>The flat export: one row per finished point, every scalar key of its result file as a plain-number column.</summary>
    public string SummaryPath => Path.Combine(Folder, "summary.csv");

    /// <summary>The index of the finished point files (the layout `compare` writes beside its runs).</summary>
    public string IndexPath => Path.Combine(Folder, "index.json");

    /// <summary>Writes summary.csv and index.json for the finished points of <paramref name="points"/>, in the points' order.</summary>
    public void WriteSummary(IEnumerable<SweepPoint> points)
    {
        var done = points.Where(IsDone).ToArray();
        var texts = done.Select(p => BoundedFile.ReadAllText(PathOf(p), ReadLimits.SweepPoint)).ToArray();
        AtomicFile.WriteAllText(SummaryPath, FlatCsv.FromJson(texts));
        var entries = done.Select(p => new IndexEntry(p.Key, p.Policy.Name, Path.GetRelativePath(Folder, PathOf(p)).Replace('\\', '/'))).ToArray();
        AtomicFile.WriteAllText(IndexPath, ResultFiles.Index("sweep", entries));
    }

    /// <summary>Results of the finished points of <paramref name="points"/> (missing ones are skipped), in the points' order.</summary>
    public IReadOnlyList<PointResult> Load(IEnumerable<SweepPoint> points) =>
        points.Where(IsDone).Select(p => PointResult.Parse(BoundedFile.ReadAllText(PathOf(p), ReadLimits.SweepPoint), PathOf(p))).ToArray();
}
