using LayeredPrefill.Kernels.Cuda;
using LayeredPrefill.Execution.Roofline;

namespace LayeredPrefill.Tests.Execution.Roofline;

/// <summary>Per-shape efficiencies: a calibrated profile can price its model's own dense projections with their own fits.</summary>
public class ShapedEfficiencyTests
{
    private static readonly double QkvBytes = 2.0 * 2048 * 5120, OBytes = 2.0 * 4096 * 2048;   // Qwen3-30B-A3B at TP 1

    private static DeviceProfile WithShaped(params ShapedEfficiency[] shaped) => DeviceCatalog.Get("h100-sxm") with { Shaped = shaped };

    [Fact]
    public void A_matching_shape_takes_its_entry_and_anything_else_the_class()
    {
        var qkv = new OpEfficiency(0.31, 0.42, 4e-6);
        var p = WithShaped(new ShapedEfficiency(OpClass.DenseGemm, QkvBytes, qkv));
        Assert.Same(qkv, p.For(OpClass.DenseGemm, QkvBytes * 1.004));
        Assert.Same(p.For(OpClass.DenseGemm), p.For(OpClass.DenseGemm, QkvBytes * 1.01));
        Assert.Same(p.For(OpClass.DenseGemm), p.For(OpClass.DenseGemm, OBytes));
        Assert.Same(p.For(OpClass.LmHead), p.For(OpClass.LmHead, QkvBytes));
    }

    [Fact]
    public void The_executor_prices_the_calibrated_projections_with_their_own_efficiency()
    {
        var model = RooflineTestModels.Qwen3();
        var plan = RooflineTestModels.Decodes(0, model, Enumerable.Repeat(2000, 16).ToArray());
        var plain = DeviceCatalog.Get("h100-sxm");
        double Seconds(DeviceProfile d, int tp) => new RooflineExecutor(model, d, tp, UniformRouting.Instance).Execute(plan).DurationSeconds;
        // A shaped QKV entry 0.5 µs dearer per launch than the class: 48 layers × 0.5 µs more at TP 1.
        var c = plain.For(OpClass.DenseGemm);
        var dearer = WithShaped(new ShapedEfficiency(OpClass.DenseGemm, QkvBytes, c with { LaunchOverheadSeconds = c.LaunchOverheadSeconds + 0.5e-6 }));
        Assert.Equal(Seconds(plain, 1) + 48 * 0.5e-6, Seconds(dearer, 1), 12);
        // At TP 2 the per-GPU QKV matrix is half as large, so nothing matches and the class prices it.
        Assert.Equal(Seconds(plain, 2), Seconds(dearer, 2), 15);
        // A memory-bound projection priced at half the class's memory fraction takes longer.
        var slow = WithShaped(new ShapedEfficiency(OpClass.DenseGemm, OBytes, c with { MemoryFraction = c.MemoryFraction / 2 }));
        Assert.True(Seconds(slow, 1) > Seconds(plain, 1));
    }

    [Fact]
    public void Shaped_entries_round_trip_through_json_and_profiles_without_them_write_no_field()
    {
        var p = WithShaped(new ShapedEfficiency(OpClass.DenseGemm, QkvBytes, new OpEfficiency(0.647720947265625, 0.8113916015625001, 4.6386718750000005e-07)),
            new ShapedEfficiency(OpClass.DenseGemm, OBytes, new OpEfficiency(0.725, 0.519, 2.5e-6)));
        var back = DeviceProfileJson.Parse(DeviceProfileJson.ToJson(p), "test");
        Assert.Equal(p.Shaped, back.Shaped);
        Assert.DoesNotContain("shaped", DeviceProfileJson.ToJson(DeviceCatalog.Get("h100-sxm")));
        Assert.Null(DeviceProfileJson.Parse(DeviceProfileJson.ToJson(DeviceCatalog.Get("h100-sxm")), "test").Shaped);
    }

    [Theory]
    [InlineData("[{\"op\":\"Dense\",\"weightBytes\":1,\"computeFraction\":0.5,\"memoryFraction\":0.5,\"launchOverheadSeconds\":0}]", "shaped[0].op")]
    [InlineData("[{\"op\":\"DenseGemm\",\"weightBytes\":0,\"computeFraction\":0.5,\"memoryFraction\":0.5,\"launchOverheadSeconds\":0}]", "shaped[0].weightBytes")]
    [InlineData("[{\"op\":\"DenseGemm\",\"weightBytes\":1,\"computeFraction\":1.5,\"memoryFraction\":0.5,\"launchOverheadSeconds\":0}]", "shaped[0].computeFraction")]
    [InlineData("[{\"op\":\"DenseGemm\",\"weightBytes\":1,\"computeFraction\":0.5,\"memoryFraction\":0.5}]", "shaped[0].launchOverheadSeconds")]
    [InlineData("[{\"op\":\"DenseGemm\",\"weightBytes\":1,\"computeFraction\":0.5,\"memoryFraction\":0.5,\"launchOverheadSeconds\":0,\"n\":3}]", "shaped[0].n")]
    [InlineData("{}", "'shaped'")]
    public void Broken_shaped_entries_name_the_field(string shaped, string field)
    {
        string json = DeviceProfileJson.ToJson(DeviceCatalog.Get("h100-sxm")).TrimEnd().TrimEnd('}') + $",\"shaped\":{shaped}}}";
        var e = Assert.Throws<UserInputException>(() => DeviceProfileJson.Parse(json, "p.json"));
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void The_calibrator_fits_each_dense_shape_on_its_own_and_beats_the_class_fit()
    {
        // Two shapes whose true efficiencies differ the way cuBLAS's did on the H100: the smaller matrix is slower.
        double peakF = 989e12, peakB = 3.35e12;
        var truth = new Dictionary<(int N, int K), OpEfficiency> { [(5120, 2048)] = new(0.65, 0.81, 0.5e-6), [(2048, 4096)] = new(0.72, 0.52, 2.5e-6) };
        var random = new Random(41);
        var points = new List<CalibrationPoint>();
        int i = 0;
        foreach (int t in new[] { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192 })
        {
            foreach (var ((n, k), e) in truth)
            {
                var work = new OpSample(2.0 * t * n * k, 2.0 * ((double)n * k + (double)t * k + (double)t * n), 0);
                double s = RooflineFit.Predict(e, work, peakF, peakB) * (1 + 0.02 * (random.NextDouble() - 0.5));
                points.Add(new CalibrationPoint(OpClass.DenseGemm, $"T={t} N={n} K={k}", work with { Seconds = s }, i % 2 == 1));
            }
            i++;
        }
        var (profile, errors) = DeviceCalibrator.Fit(points, "test", 80e9, peakB, peakF, 100, "test");
        Assert.Equal(2, profile.Shaped!.Count);
        foreach (var ((n, k), e) in truth)
        {
            var fit = profile.For(OpClass.DenseGemm, 2.0 * n * k);
            Assert.InRange(fit.MemoryFraction, e.MemoryFraction * 0.95, e.MemoryFraction * 1.05);
        }
        var byShape = errors.Single(x => x.Name == "DenseGemm by shape");
        var byClass = errors.Single(x => x.Name == "DenseGemm");
        Assert.True(byShape.HeldOutMape < 2, $"by shape {byShape.HeldOutMape}%");
        Assert.True(byClass.HeldOutMape > 3 * byShape.HeldOutMape, $"class {byClass.HeldOutMape}% vs by shape {byShape.HeldOutMape}%");
    }

    [Theory]
    [InlineData("T=64 N=5120 K=2048", 5120, 2048)]
    [InlineData("K=7 T=1 N=3", 3, 7)]
    public void Dense_shape_labels_parse(string label, int n, int k) => Assert.Equal((n, k), DeviceCalibrator.DenseShape(label));

    [Fact]
    public void A_dense_label_without_n_and_k_is_a_user_error() =>
        Assert.Throws<UserInputException>(() => DeviceCalibrator.DenseShape("T=64"));
}
