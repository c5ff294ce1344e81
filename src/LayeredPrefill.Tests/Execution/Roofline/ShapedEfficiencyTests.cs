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
}
