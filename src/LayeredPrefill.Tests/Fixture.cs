namespace LayeredPrefill.Tests;

/// <summary>Paths the tests read: the fixtures copied next to the test assembly, and the repository they were built from.</summary>
internal static class Fixture
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    /// <summary>The repository root (where Bench.sln is), found from the test assembly's folder.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Bench.sln"))) return dir.FullName;
        throw new InvalidOperationException("Bench.sln not found above " + AppContext.BaseDirectory);
    }
}
