using LayeredPrefill.Execution.Roofline;
using Xunit;

namespace LayeredPrefill.Tests.Execution.Roofline;

public class DeviceProfileTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "devices", name);

    [Fact]
    public void Every_preset_resolves_and_covers_every_op_class()
    {
        Assert.Equal(["a100-80g", "h100-paper-engine", "h100-sxm", "h200"], DeviceCatalog.Names);
        foreach (var name in DeviceCatalog.Names)
        {
            var d = DeviceCatalog.Resolve(name);
            Assert.Equal(name, d.Name);
            foreach (var op in Enum.GetValues<OpClass>())
            {
                var e = d.For(op);
                Assert.InRange(e.ComputeFraction, 0.01, 1);
                Assert.InRange(e.MemoryFraction, 0.01, 1);
                Assert.InRange(e.LaunchOverheadSeconds, 0, 1e-4);
            }
        }
        var h100 = DeviceCatalog.Get("H100-SXM");
        Assert.Equal(3.35e12, h100.PeakMemoryBytesPerSecond);
        Assert.Equal(989e12, h100.PeakMatrixFlopsPerSecond);
        Assert.Equal(4.8e12, DeviceCatalog.Get("h200").PeakMemoryBytesPerSecond);
        Assert.Equal(312e12, DeviceCatalog.Get("a100-80g").PeakMatrixFlopsPerSecond);
    }

    [Fact]
    public void Unknown_device_lists_the_valid_names()
    {
        var e = Assert.Throws<UserInputException>(() => DeviceCatalog.Get("b200"));
        Assert.Contains("--device", e.Message);
        Assert.Contains("'b200'", e.Message);
        Assert.Contains("a100-80g, h100-paper-engine, h100-sxm, h200", e.Message);
    }

    [Fact]
    public void Json_round_trips_every_preset_exactly()
    {
        string folder = Path.Combine(Path.GetTempPath(), "roofline-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var name in DeviceCatalog.Names)
            {
                var original = DeviceCatalog.Get(name);
                string path = Path.Combine(folder, name + ".json");
                DeviceProfileJson.Save(original, path);
                var loaded = DeviceCatalog.Resolve(path);
                Assert.Equal(original with { Efficiency = loaded.Efficiency }, loaded);
                Assert.Equal(original.Efficiency.OrderBy(p => p.Key), loaded.Efficiency.OrderBy(p => p.Key));
                Assert.Equal(DeviceProfileJson.ToJson(original), File.ReadAllText(path));
            }
        }
        finally { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void Valid_fixture_loads()
    {
        var d = DeviceProfileJson.Load(Fixture("valid.json"));
        Assert.Equal("fixture-gpu", d.Name);
        Assert.Equal(0.85, d.For(OpClass.ExpertGemm).MemoryFraction);
        Assert.Equal(1.5e-5, d.For(OpClass.ExpertGemm).LaunchOverheadSeconds);
    }

    [Theory]
    [InlineData("missing-field.json", "'idleWatts' is missing")]
    [InlineData("negative-fraction.json", "'efficiency.ExpertGemm.memoryFraction' must be > 0")]
    [InlineData("nan-bandwidth.json", "'peakMemoryBytesPerSecond' must be a finite number")]
    [InlineData("nan-literal.json", "invalid JSON")]
    [InlineData("unknown-op-class.json", "'efficiency.FlashAttention' is not an op class")]
    [InlineData("missing-op-class.json", "'efficiency.Router' is missing")]
    [InlineData("unknown-field.json", "unknown field 'idleWats'")]
    [InlineData("fraction-over-one.json", "'efficiency.DenseGemm.computeFraction' must be in (0, 1]")]
    [InlineData("syntax-error.json", "syntax-error.json:4:")]
    public void Broken_profiles_give_one_line_naming_file_and_field(string file, string expected)
    {
        var e = Assert.Throws<UserInputException>(() => DeviceCatalog.Resolve(Fixture(file)));
        Assert.Contains(file, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Missing_json_file_is_a_user_error()
    {
        var e = Assert.Throws<UserInputException>(() => DeviceCatalog.Resolve("no/such/profile.json"));
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Paper_engine_preset_is_h100_peaks_with_the_engine_terms()
    {
        var h100 = DeviceCatalog.H100Sxm();
        var paper = DeviceCatalog.Get("h100-paper-engine");
        Assert.Equal(h100.PeakMemoryBytesPerSecond, paper.PeakMemoryBytesPerSecond);
        Assert.Equal(h100.PeakMatrixFlopsPerSecond, paper.PeakMatrixFlopsPerSecond);
        Assert.Equal(h100.IdleWatts, paper.IdleWatts);
        Assert.Equal(h100.For(OpClass.DenseGemm), paper.For(OpClass.DenseGemm));
        Assert.NotNull(paper.ExpertCurve);
        Assert.NotNull(paper.PagedPrefillAttention);
        Assert.NotNull(paper.Overhead);
        // A profile that carries every term survives its JSON text.
        Assert.Equal(DeviceProfileJson.ToJson(paper), DeviceProfileJson.ToJson(DeviceProfileJson.Parse(DeviceProfileJson.ToJson(paper), "paper.json")));
    }

    [Theory]
    [InlineData("\"expertEfficiency\": [{\"tokensPerExpert\": 8, \"computeFraction\": 0.4, \"memoryFraction\": 0.8}, {\"tokensPerExpert\": 4, \"computeFraction\": 0.1, \"memoryFraction\": 0.5}]", "must increase from point to point")]
    [InlineData("\"expertEfficiency\": [{\"tokensPerExpert\": 8, \"computeFraction\": 1.4, \"memoryFraction\": 0.8}]", "'expertEfficiency[0].computeFraction' must be in (0, 1]")]
    [InlineData("\"expertEfficiency\": []", "needs at least one point")]
    [InlineData("\"pagedPrefillAttention\": {\"computeFraction\": 0, \"memoryFraction\": 0.8, \"launchOverheadSeconds\": 0}", "'pagedPrefillAttention.computeFraction' must be > 0")]
    [InlineData("\"engineOverhead\": {\"graphedIterationSeconds\": -1, \"eagerIterationSeconds\": 0, \"graphMaxTokens\": 1024, \"tokenLayerSeconds\": 0, \"prefillTokenHostSeconds\": 0, \"sequenceHostSeconds\": 0, \"contextTokenHostSeconds\": 0, \"layerDispatchSeconds\": 0}", "'engineOverhead.graphedIterationSeconds' must be >= 0")]
    [InlineData("\"engineOverhead\": {\"graphedIterationSeconds\": 0, \"eagerIterationSeconds\": 0, \"graphMaxTokens\": 10.5, \"tokenLayerSeconds\": 0, \"prefillTokenHostSeconds\": 0, \"sequenceHostSeconds\": 0, \"contextTokenHostSeconds\": 0, \"layerDispatchSeconds\": 0}", "'engineOverhead.graphMaxTokens' must be a whole number")]
    [InlineData("\"engineOverhead\": {\"graphedIterationSeconds\": 0, \"eagerIterationSeconds\": 0, \"graphMaxTokens\": 1024, \"tokenLayerSeconds\": 0}", "'engineOverhead.prefillTokenHostSeconds' is missing")]
    [InlineData("\"engineOverhead\": {\"graphedIterationSecond\": 0}", "unknown field 'engineOverhead.graphedIterationSecond'")]
    public void Bad_engine_terms_give_one_line_naming_the_field(string field, string expected)
    {
        string json = DeviceProfileJson.ToJson(DeviceCatalog.H100Sxm());
        json = json[..json.LastIndexOf('}')] + ", " + field + "}";
        var e = Assert.Throws<UserInputException>(() => DeviceProfileJson.Parse(json, "p.json"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("p.json", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
