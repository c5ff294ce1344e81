using LayeredPrefill.Reporting.Gpu;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Tests.Reporting.Gpu;

/// <summary>Typed GPU result files: what is saved loads back equal; another shape of file is refused naming it.</summary>
public sealed class GpuResultFileTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("lp-gpufile-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private static DecodeBenchResult Decode() => new(new GpuCard("NVIDIA H200", "13.0", "2026-12-02"), "ilgpu-cuda", "qwen3-30b-a3b", 2048, 20, 4.46e12,
        [new DecodeBenchRow(128, 2071.5, 61.79, 61.4, 65.6, 57.95, 3.26, 86.3e9, 1.4e12, 0.313, new Dictionary<string, double> { ["attention"] = 32.96 })],
        [new PromptBenchRow("layered", 8192, 32, 16, 1010.0, 818.7, null)]);

    [Fact]
    public void A_saved_result_loads_back_with_every_field_and_snake_case_keys()
    {
        string path = Path.Combine(_tmp, "decode.json");
        var original = Decode();
        GpuResultFile.Save(path, original);
        string text = File.ReadAllText(path);
        Assert.Contains("\"fraction_of_read\"", text);
        Assert.Contains("\"read_bytes_per_second\"", text);
        var back = GpuResultFile.Load<DecodeBenchResult>(path);
        Assert.Equal(original.Device, back.Device);
        Assert.Equal(original.Rows[0] with { OpMillis = null }, back.Rows[0] with { OpMillis = null });
        Assert.Equal(32.96, back.Rows[0].OpMillis!["attention"]);
        Assert.Equal(original.Prompts, back.Prompts);
    }

    [Fact]
    public void An_unknown_or_missing_field_is_refused_in_one_line_naming_the_file()
    {
        string path = Path.Combine(_tmp, "decode.json");
        GpuResultFile.Save(path, Decode());
        string text = File.ReadAllText(path);
        File.WriteAllText(path, text.Replace("\"model\"", "\"modell\""));
        var e = Assert.Throws<UserInputException>(() => GpuResultFile.Load<DecodeBenchResult>(path));
        Assert.Contains("decode.json", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        File.WriteAllText(path, "[1, 2]");
        Assert.Throws<UserInputException>(() => GpuResultFile.Load<DecodeBenchResult>(path));
        Assert.Throws<UserInputException>(() => GpuResultFile.Load<DecodeBenchResult>(Path.Combine(_tmp, "none.json")));
    }

    [Fact]
    public void A_plan_sample_is_the_same_plan_again()
    {
        var plan = new IterationPlan(3, 48, [new DecodeEntry(1, 2048), new DecodeEntry(7, 9)],
            [new PrefillEntry(5, 512, 256, new LayerRange(3, 6), false), new PrefillEntry(6, 0, 40, LayerRange.All(48), true)], []);
        var back = PlanSample.Of(plan).ToPlan(3);
        Assert.Equal(plan.Decodes, back.Decodes);
        Assert.Equal(plan.Prefills, back.Prefills);
        Assert.Equal(plan.ModelLayers, back.ModelLayers);
    }

    [Fact]
    public void The_committed_gpu_results_load_as_their_types()
    {
        string root = Path.Combine(Fixture.RepositoryRoot(), "results", "gpu");
        Assert.NotEmpty(GpuResultFile.Load<CalibrationSamples>(Path.Combine(root, "h200", "calibration-samples.json")).Iterations);
        Assert.Equal(3, GpuResultFile.Load<DecodeBenchResult>(Path.Combine(root, "h200", "decode.json")).Rows.Count);
        Assert.Equal(7, GpuResultFile.Load<MoeLayerTable>(Path.Combine(root, "moe-layer-h200.json")).Rows.Count);
        Assert.All(GpuResultFile.Load<MoeBenchResult>(Path.Combine(root, "h200", "moe.json")).Checks, c => Assert.True(c.Passed));
    }
}
