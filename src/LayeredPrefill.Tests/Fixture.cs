namespace LayeredPrefill.Tests;

/// <summary>Paths of the test fixtures copied next to the test assembly.</summary>
internal static class Fixture
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);
}
