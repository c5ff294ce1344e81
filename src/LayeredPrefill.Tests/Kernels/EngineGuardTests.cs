using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Verification;
using LayeredPrefill.Scheduling;
using Xunit;

namespace LayeredPrefill.Tests.Kernels;

public sealed class EngineGuardTests
{
    private static IterationPlan Prefill(int layers, int tokens) =>
        new(0, layers, [], [new PrefillEntry(0, 0, tokens, LayerRange.All(layers), true)], []);

    [Theory]
    [InlineData("simd")]
    [InlineData("ilgpu-cpu")]
    public void NanGuard_NamesTheLayerAndKernel(string backend)
    {
        var model = TestModels.Micro;
        int poisoned = new Random(7).Next(1, model.Layers);
        var options = new EngineOptions(backend, 7, KvBlocks: 4, MaxPositions: 32, AdjustWeights: w => w.Layers[poisoned].OutputProjection[3] = float.NaN);
        using var engine = new MoeEngine(model, options);
        var e = Assert.Throws<NonFiniteActivationException>(() => engine.Execute(Prefill(model.Layers, 5)));
        Assert.Equal(poisoned, e.Layer);
        Assert.Equal("o-proj", e.Kernel);
        Assert.Contains($"layer {poisoned}", e.Message);
    }

    [Fact]
    public void UnknownOrUnavailableBackend_NamesTheAvailableOnes()
    {
        var unknown = Assert.Throws<UserInputException>(() => new MoeEngine(TestModels.Micro, new EngineOptions("warp-drive")));
        Assert.Contains("simd", unknown.Message);
        if (BackendRegistry.Probe("ilgpu-cuda").Usable) return; // the GPU machine has CUDA
        var cuda = Assert.Throws<UserInputException>(() => new MoeEngine(TestModels.Micro, new EngineOptions("ilgpu-cuda")));
        Assert.Contains("available: simd", cuda.Message);
    }

    [Fact]
    public void TooLargeModel_IsRefusedBeforeAllocating_WithBytesNeededAndAvailable()
    {
        // 2 × 10^12 bytes of experts: no CI machine has that, and allocating it would fail loudly instead.
        var huge = TestModels.TinyMoe with { Name = "huge", Layers = 64, HiddenSize = 8192, Experts = 512, ExpertFfnSize = 4096 };
        long before = GC.GetTotalAllocatedBytes();
        var e = Assert.Throws<UserInputException>(() => new MoeEngine(huge, new EngineOptions("simd")));
        Assert.Contains("needs", e.Message);
        Assert.Contains("available", e.Message);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 100_000_000, "allocated before refusing");
    }

    [Fact]
    public void WithLayers_RunsTheShapeWithFewerLayers()
    {
        Assert.Equal(2, TestModels.TinyMoe.WithLayers(2).Layers);
        Assert.Same(TestModels.TinyMoe, TestModels.TinyMoe.WithLayers(null));
        Assert.Throws<UserInputException>(() => TestModels.TinyMoe.WithLayers(0));
    }
}
