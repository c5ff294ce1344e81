using LayeredPrefill.Kernels.Ilgpu;
using LayeredPrefill.Kernels.Verification;
using Xunit;

namespace LayeredPrefill.Tests.Kernels.Verification;

public sealed class KernelReferenceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2024)]
    public void Simd_KernelsMatchFloat64(int seed)
    {
        using var probe = new SimdProbe();
        Assert.All(KernelChecks.Run(probe, new Random(seed)), r => Assert.True(r.Passed, $"{r.Kernel}: error {r.Error} > {r.Bound}"));
    }

    [Fact]
    public void IlgpuCpu_KernelsMatchFloat64()
    {
        using var probe = new IlgpuProbe("ilgpu-cpu");
        Assert.All(KernelChecks.Run(probe, new Random(99)), r => Assert.True(r.Passed, $"{r.Kernel}: error {r.Error} > {r.Bound}"));
    }

    [Fact]
    public void Error_PoisonedOutputFails()
    {
        Assert.False(new KernelCheckRow("x", KernelChecks.Error([1f, float.NaN], [1.0, 2.0]), 1).Passed);
    }
}
