using LayeredPrefill.Experiments;

namespace LayeredPrefill.Tests.Experiments;

/// <summary>Reading result files back for `convert`: an index names run files only, and a written energy source reads back as it was.</summary>
public sealed class ResultFileReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lp-reader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Index(string name, string runs)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, $"{{\"format_version\": {ResultJson.FormatVersion}, \"kind\": \"index\", \"runs\": [{runs}]}}");
        return path;
    }

    [Fact]
    public void An_index_that_names_itself_is_refused_in_one_line_not_read_forever()
    {
        string self = Index("self.json", "{\"file\": \"self.json\"}");
        var e = Assert.Throws<UserInputException>(() => ResultFileReader.ReadFile(self));
        Assert.Equal($"{self}: is an index, but an index may only name run files", e.Message);
    }

    [Fact]
    public void Two_indexes_naming_each_other_are_refused_at_the_second()
    {
        string a = Index("a.json", "{\"file\": \"b.json\"}");
        string b = Index("b.json", "{\"file\": \"a.json\"}");
        var e = Assert.Throws<UserInputException>(() => ResultFileReader.ReadFile(a));
        Assert.Equal($"{b}: is an index, but an index may only name run files", e.Message);
    }

    [Theory]
    [InlineData("{\"file\": null}")]
    [InlineData("{\"file\": 3}")]
    [InlineData("{\"label\": \"x\"}")]
    [InlineData("\"a.json\"")]
    public void A_run_without_a_file_name_is_refused_naming_the_index(string run)
    {
        string index = Index("index.json", run);
        var e = Assert.Throws<UserInputException>(() => ResultFileReader.ReadFile(index));
        Assert.Equal($"{index}: run 1 of the index has no file name ('file' must be a string)", e.Message);
    }

    [Theory]
    [InlineData("not measured (nvml reported none)", "nvml")]
    [InlineData("not measured ( reported none)", "")]
    [InlineData("not measured (", "not measured (")]
    [InlineData("not measured (x", "not measured (x")]
    [InlineData("not measured (reported none)", "not measured (reported none)")]
    [InlineData("not measured: the simd kernels run on a CPU, which has no energy counter here", "not measured: the simd kernels run on a CPU, which has no energy counter here")]
    [InlineData("", "")]
    public void A_written_energy_source_reads_back_without_its_not_measured_wrapping(string written, string source) =>
        Assert.Equal(source, ResultJson.EnergySourceOf(written));
}
