using System.Text.RegularExpressions;
using LayeredPrefill.Execution.Kernels.Cuda;
using Xunit;

namespace LayeredPrefill.Tests.Execution.Kernels.Cuda;

/// <summary>What pass 2's tile kernels must look like in PTX (compiled here, no GPU) and how the layer picks them.</summary>
public class TileKernelPtxTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Ptx = new(PtxDump.Compile);

    [Theory]
    [InlineData("grouped_gemm_v4", 4, 36)]   // text: 4 mma per k16 step in each of the two inlined slices; 2 stages × 9 chunks × 2 words
    public void ViewLoadKernelsReadGlobalMemoryStraightIntoRegisters(string kernel, int mmaPerSliceText, int minWordLoads)
    {
        string ptx = Ptx.Value[kernel];
        var lines = ptx.Split('\n').Select(l => l.Trim()).ToArray();
        int wordLoads = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("ld.global.b64", StringComparison.Ordinal)) continue;
            wordLoads++;
            // The loaded register must not be parked in local memory (that store would wait for the load).
            string reg = Regex.Match(lines[i], @"ld\.global\.b64\s+(%rd\d+)").Groups[1].Value;
            for (int j = i + 1; j < Math.Min(lines.Length, i + 4); j++)
                Assert.False(lines[j].StartsWith("st.local", StringComparison.Ordinal) && lines[j].Contains(reg + ";"), $"{kernel}: {lines[i]} then {lines[j]}");
        }
        Assert.True(wordLoads >= minWordLoads, $"{kernel}: {wordLoads} 8-byte global loads, expected at least {minWordLoads}");
        Assert.DoesNotContain("ld.global.nc.v4", ptx);
        Assert.True(Regex.Matches(ptx, "mma.sync.aligned.m16n8k16").Count >= mmaPerSliceText, $"{kernel}: too few mma.sync");
    }

    [Fact]
    public void UnknownKernelVersionsAreUserErrors()
    {
        var random = new Random(5);
        foreach (int bad in new[] { 0, 2, 3, 5, 6, 8, -random.Next(1, 100), random.Next(9, 1000) })
            Assert.Throws<UserInputException>(() => new CudaMoeLayer(null!, MoeShape.Qwen3, bad));
    }

    [Fact]
    public void DefaultIsKernelFourWithTheMeasuredBatchWindow()
    {
        Assert.Equal(4, CudaMoeLayer.DefaultKernel);
        Assert.True(CudaMoeLayer.DefaultV4MinTokens >= 2 && CudaMoeLayer.DefaultV4MinTokens <= 8);
        Assert.Equal(128, CudaMoeLayer.DefaultV4MaxTokens);
        var layer = new CudaMoeLayer(null!, MoeShape.Qwen3);
        Assert.Equal(4, layer.KernelVersion);
        Assert.Equal(CudaMoeLayer.DefaultV4MaxTokens, layer.V4MaxTokens);
    }
}
