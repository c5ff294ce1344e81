namespace LayeredPrefill.Tests;

/// <summary>The project's layout rules, read from the source files: folders are namespaces, dependencies between
/// folders point one way, and the tests mirror the source folders.</summary>
public sealed class SourceLayoutTests
{
    private static readonly IReadOnlyList<SourceFile> Files = SourceFolders.Read(Fixture.RepositoryRoot());

    /// <summary>Assemblies other than the core library, by the first folder of their tests.</summary>
    private static readonly IReadOnlyDictionary<string, string> TestRoots = new Dictionary<string, string>
    {
        ["Kernels"] = "src/LayeredPrefill.Kernels",
        ["Plots"] = "src/LayeredPrefill.Plots",
        ["Cli"] = "src/LayeredPrefill.Cli",
        ["Benchmarks"] = "bench/LayeredPrefill.Benchmarks",
        ["ResultsComparer"] = "bench/LayeredPrefill.ResultsComparer",
    };

    private const string TestProject = "src/LayeredPrefill.Tests";

    [Fact]
    public void Folder_dependencies_have_no_cycle()
    {
        var graph = SourceFolders.Graph(Files);
        var cycles = SourceFolders.Cycles(graph);
        var lines = cycles.SelectMany(cycle => cycle.SelectMany(from => graph[from]
            .Where(edge => cycle.Contains(edge.Key))
            .Select(edge => $"{from} -> {edge.Key} ({string.Join(", ", edge.Value)})")));
        Assert.True(cycles.Count == 0, "folder cycles:\n" + string.Join("\n", lines));
    }

    [Fact]
    public void The_scanner_sees_using_directives_and_qualified_names()
    {
        // The graph is only as good as what it reads: pin one edge of each kind.
        var graph = SourceFolders.Graph(Files);
        Assert.Contains("LayeredPrefill.Scheduling", graph["LayeredPrefill.Experiments"].Keys);
        Assert.Contains(Files, f => f.Path == "src/LayeredPrefill.Cli/Options/ExecutorChoice.cs" && f.Uses.Contains("LayeredPrefill.Kernels.Cuda"));
        Assert.NotEmpty(SourceFolders.Cycles(new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>
        {
            ["A"] = new Dictionary<string, IReadOnlyList<string>> { ["B"] = ["a.cs"] },
            ["B"] = new Dictionary<string, IReadOnlyList<string>> { ["A"] = ["b.cs"] },
        }));
    }

    [Fact]
    public void Every_namespace_is_its_folder()
    {
        var wrong = Files.Where(f => f.Namespace is not null && f.Namespace != ExpectedNamespace(f.Path))
            .Select(f => $"{f.Path}: namespace {f.Namespace}, folder says {ExpectedNamespace(f.Path)}");
        Assert.Empty(wrong);
    }

    [Fact]
    public void Every_test_folder_mirrors_a_source_folder()
    {
        var folders = Files.Where(f => f.Path.StartsWith(TestProject + "/", StringComparison.Ordinal))
            .Select(f => Path.GetDirectoryName(f.Path[(TestProject.Length + 1)..])!.Replace('\\', '/'))
            .Where(folder => folder.Length > 0).Distinct().Order();
        var orphans = folders.Where(folder => !Files.Any(f => Path.GetDirectoryName(f.Path)!.Replace('\\', '/') == SourceFolderOf(folder)))
            .Select(folder => $"Tests/{folder} (no {SourceFolderOf(folder)})");
        Assert.Empty(orphans);
    }

    /// <summary>src/LayeredPrefill.Kernels/Cuda/X.cs is in LayeredPrefill.Kernels.Cuda.</summary>
    private static string ExpectedNamespace(string path)
    {
        var parts = path.Split('/');
        return string.Join('.', parts[1..^1]);
    }

    /// <summary>Tests/Kernels/Cuda mirrors src/LayeredPrefill.Kernels/Cuda; Tests/Scheduling mirrors src/LayeredPrefill/Scheduling.</summary>
    private static string SourceFolderOf(string testFolder)
    {
        string first = testFolder.Split('/')[0];
        return TestRoots.TryGetValue(first, out string? root)
            ? root + testFolder[first.Length..]
            : "src/LayeredPrefill/" + testFolder;
    }
}
