namespace LayeredPrefill.Experiments;

/// <summary>The JSON Schemas of the result layout (results/schema/ in the repository), carried by the library.</summary>
public static class ResultSchema
{
    /// <summary>The schema of one run's file (<see cref="ResultJson.FormatVersion"/>).</summary>
    public static string Result => Read("result.schema.json");

    /// <summary>The schema of an index of run files.</summary>
    public static string Index => Read("index.schema.json");

    private static string Read(string name)
    {
        using var stream = typeof(ResultSchema).Assembly.GetManifestResourceStream("LayeredPrefill.Schema." + name)
            ?? throw new InvalidOperationException($"embedded schema {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
