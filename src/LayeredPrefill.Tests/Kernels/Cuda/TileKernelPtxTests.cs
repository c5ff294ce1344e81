using System.Text.RegularExpressions;
using LayeredPrefill.Kernels.Cuda;
using Xunit;

namespace LayeredPrefill.Tests.Kernels.Cuda;

/// <summary>What the tensor-core tile kernels must look like in PTX (compiled here, no GPU) and how the layer picks them.</summary>
public class TileKernelPtxTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Ptx = new(PtxDump.Compile);

    [Fact]
    public void EveryExpertBatchTakesV7AndItsTiles()
    {
        var layer = new CudaMoeLayer(null!, MoeShape.Qwen3);
        foreach (int t in new[] { 1, 2, 7, 128, 513, 8192 })
        {
            Assert.True(layer.UsesV7(t));
            Assert.Equal(GroupedGemmKernelV7.Rows, layer.TileRowsFor(t));
        }
    }

    [Fact]
    public void ARouterSplitFixedForInvarianceIsUsedAtEveryBatchSize()
    {
        var adaptive = new CudaMoeLayer(null!, MoeShape.Qwen3);
        var fixedSplit = new CudaMoeLayer(null!, MoeShape.Qwen3) { FixedRouterSplits = 8 };
        Assert.Equal(8, adaptive.RouterSplits(1));
        Assert.Equal(1, adaptive.RouterSplits(8192));
        Assert.All(new[] { 1, 64, 512, 8192 }, t => Assert.Equal(8, fixedSplit.RouterSplits(t)));
    }

    [Fact]
    public void V7FallsBackWhenItsThirtyTwoBitChunkIndicesWouldOverflow()
    {
        Assert.True(CudaMoeLayer.V7IndicesFit(MoeShape.Qwen3, 65536));
        // 128 experts of hidden 8192 × FFN 8192: 128 × 402 MB = 51 GB of weights = 3.2 G chunks of 16 bytes.
        Assert.False(CudaMoeLayer.V7IndicesFit(new MoeShape(8192, 128, 8192, 8), 1));
        Assert.False(CudaMoeLayer.V7IndicesFit(MoeShape.Qwen3, int.MaxValue / 8));
    }

    [Fact]
    public void V7KernelUsesLdmatrixAndViewLoadsButNoCpAsync()
    {
        string ptx = Ptx.Value["grouped_gemm_v7"];
        // cp.async anywhere in the kernel makes ptxas keep every inline-asm operand slot in local memory (results/gpu/NOTES.md has the stacks measured).
        Assert.DoesNotContain("cp.async", ptx);
        Assert.DoesNotContain("ld.global.nc.v4", ptx);
        Assert.True(Regex.Matches(ptx, "ldmatrix.sync.aligned.m8n8.x4.shared.b16").Count >= 6, "v7: expected 6 ldmatrix.x4 per k16 step");
        Assert.True(Regex.Matches(ptx, "mma.sync.aligned.m16n8k16").Count >= 16, "v7: expected 16 mma per k16 step");
        // 12 chunks of 16 bytes per thread and slice, in the prologue and in the loop.
        Assert.True(Regex.Matches(ptx, @"ld\.global\.v4\.").Count >= 24, "v7: expected 16-byte view loads");
        Assert.Contains("bar.sync", ptx);
    }

    [Fact]
    public void V7SwizzleMakesFragmentReadsAndStoresConflictFree()
    {
        for (int row = 0; row < GroupedGemmKernelV7.BlockCols; row++)
            Assert.Equal(Enumerable.Range(0, 8), Enumerable.Range(0, 8).Select(c => GroupedGemmKernelV7.Swizzle(row, c)).Order());
        // An ldmatrix phase reads one logical chunk of 8 consecutive rows (same row & 7 pattern): 8 different 16-byte
        // columns of the 128-byte rows = all 32 banks.
        var random = new Random(17);
        for (int trial = 0; trial < 50; trial++)
        {
            int first = random.Next(0, GroupedGemmKernelV7.BlockCols / 8) * 8, chunk = random.Next(0, 8);
            var columns = Enumerable.Range(first, 8).Select(r => GroupedGemmKernelV7.Swizzle(r, chunk)).ToHashSet();
            Assert.Equal(8, columns.Count);
        }
    }

    [Theory]
    [InlineData(1, 768)]    // gate/up of Qwen3-30B-A3B: 64 gate rows then the 64 matching up rows per block
    [InlineData(2, 2048)]   // down
    [InlineData(1, 64)]
    public void V7BlockRowsCoverEveryWeightRowOnceAndCopiesFollowTheStrides(int mode, int nOut)
    {
        var args = new GemmArgs { Mode = mode, NOut = nOut };
        int weightRows = mode == 1 ? 2 * nOut : nOut, blocks = weightRows / GroupedGemmKernelV7.BlockCols;
        var seen = new HashSet<long>();
        for (int b = 0; b < blocks; b++)
            for (int j = 0; j < GroupedGemmKernelV7.BlockCols; j++)
                Assert.True(seen.Add(GroupedGemmKernelV7.BRow(args, b, j)), $"row {GroupedGemmKernelV7.BRow(args, b, j)} twice");
        Assert.Equal(weightRows, seen.Count);
        Assert.All(seen, r => Assert.InRange(r, 0, weightRows - 1));
        for (int b = 0; b < blocks; b++)
            for (int row0 = 0; row0 < 16; row0++)
                for (int i = 0; i < 8; i++)
                    Assert.Equal(GroupedGemmKernelV7.BRow(args, b, row0 + 16 * i), GroupedGemmKernelV7.BRow(args, b, row0) + GroupedGemmKernelV7.CopyRowOffset(mode, nOut, i));
    }

    [Fact]
    public void V7GateUpBlocksPairEachGateRowWithItsUpRowInTheSameWarpColumn()
    {
        // The SiLU·mul epilogue needs n-tile k (gate) and k + 4 (up) of a warp to hold the same FFN index.
        var args = new GemmArgs { Mode = 1, NOut = 768 };
        for (int b = 0; b < 12; b++)
            for (int wn = 0; wn < 2; wn++)
                for (int c = 0; c < 32; c++)
                {
                    long gate = GroupedGemmKernelV7.BRow(args, b, wn * 64 + c), up = GroupedGemmKernelV7.BRow(args, b, wn * 64 + 32 + c);
                    Assert.True(gate < 768);
                    Assert.Equal(gate + 768, up);
                    Assert.Equal(b * 64 + wn * 32 + c, gate);
                }
    }
}
