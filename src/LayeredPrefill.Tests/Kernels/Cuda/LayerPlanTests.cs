using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Cuda;
using LayeredPrefill.Scheduling;
using Xunit;

namespace LayeredPrefill.Tests.Kernels.Cuda;

/// <summary>How the GPU backend cuts one iteration into per-layer plans and attention tiles (host side, no GPU).</summary>
public class LayerPlanTests
{
    // Decodes first, then the prefills, as BatchBuilder lays a batch out.
    private static IterationBatch Batch(int layers, int[] decodeContexts, (int Start, int Rows, LayerRange Layers)[] prefills)
    {
        var segments = new List<BatchSegment>();
        var positions = new List<int>();
        var offsets = new List<int>();
        int row = 0, request = 0, table = 0;
        foreach (int c in decodeContexts)
        {
            segments.Add(new BatchSegment(request++, row, 1, LayerRange.All(layers), c, false, false, true, IsDecode: true));
            positions.Add(c); offsets.Add(table); table += 10; row++;
        }
        foreach (var p in prefills)
        {
            segments.Add(new BatchSegment(request++, row, p.Rows, p.Layers, p.Start, p.Layers.Start > 0, p.Layers.End < layers, p.Layers.End == layers));
            for (int r = 0; r < p.Rows; r++) { positions.Add(p.Start + r); offsets.Add(table); }
            table += 10; row += p.Rows;
        }
        return new IterationBatch(row, new int[row], [.. positions], [.. offsets], new int[table], segments, [], [], []);
    }

    private static int[][] TilesOf(LayerPlan p) => Enumerable.Range(0, p.TileCount).Select(i => p.Tiles.AsSpan(i * AttentionKernel.TileInts, AttentionKernel.TileInts).ToArray()).ToArray();

    [Fact]
    public void LayeredIterationHasTwoPlans_PrefillGroupAndDecodeOnly()
    {
        var batch = Batch(8, [100, 5], [(0, 40, new LayerRange(2, 4))]);
        var (plans, planOf) = LayerPlan.Build(batch, 8);
        Assert.Equal(2, plans.Count);
        Assert.Equal([0, 0, 1, 1, 0, 0, 0, 0], planOf);
        Assert.Equal([0, 1], plans[0].Rows);
        Assert.Equal(42, plans[1].Rows.Length);
        Assert.True(plans[0].IsPrefix && plans[1].IsPrefix);
    }

    [Fact]
    public void LayersNoRowPassesHaveNoPlan()
    {
        var batch = Batch(6, [], [(16, 20, new LayerRange(3, 6))]);
        var (plans, planOf) = LayerPlan.Build(batch, 6);
        Assert.Single(plans);
        Assert.Equal([-1, -1, -1, 0, 0, 0], planOf);
    }

    [Fact]
    public void PrefillSlicesBecomeSixteenRowTilesOverTheirWholeContext()
    {
        var batch = Batch(4, [], [(100, 37, LayerRange.All(4))]);
        var plan = LayerPlan.Build(batch, 4).Plans[0];
        var tiles = TilesOf(plan);
        Assert.Equal(3, tiles.Length);
        // Longest context first; each tile reads KV tiles 0 .. its last position, and writes rows (no partial).
        Assert.Equal([32, 5, 0, 132, 0, 5, -1], tiles[0]);
        Assert.Equal([16, 16, 0, 116, 0, 5, -1], tiles[1]);
        Assert.Equal([0, 16, 0, 100, 0, 4, -1], tiles[2]);
        Assert.Empty(plan.DecodeRows);
    }

    [Fact]
    public void DecodeRowsAreCutIntoSplitsThatCombineMerges()
    {
        var batch = Batch(4, [700, 3], []);
        var plan = LayerPlan.Build(batch, 4, 256).Plans[0];
        var tiles = TilesOf(plan);
        // Context 701 = splits [0,256) [256,512) [512,701); context 4 = one split.
        Assert.Equal(4, tiles.Length);
        Assert.Equal(4, plan.SplitCount);
        Assert.Equal([0, 0, 3, 1, 3, 1], plan.DecodeRows);
        var first = tiles.Where(t => t[0] == 0).OrderBy(t => t[4]).ToArray();
        Assert.Equal([0, 1, 0, 700, 0, 8, 0], first[0]);
        Assert.Equal([0, 1, 0, 700, 8, 16, 1], first[1]);
        Assert.Equal([0, 1, 0, 700, 16, 22, 2], first[2]);
        Assert.Equal([1, 1, 10, 3, 0, 1, 3], tiles.Single(t => t[0] == 1));
    }

    [Fact]
    public void SplitsMustBeWholeKvTiles()
    {
        var batch = Batch(4, [10], []);
        Assert.Throws<ArgumentException>(() => LayerPlan.Build(batch, 4, 48));
        Assert.Throws<ArgumentException>(() => LayerPlan.Build(batch, 4, 0));
    }

    [Fact]
    public void MoreTilesThanCudaGridYHoldsIsRefusedOnTheHost()
    {
        // 8,192 positions in splits of 32 = 256 tiles a decode: 255 decodes fit in grid Y's 65,535, 256 do not.
        var fits = LayerPlan.Build(Batch(1, Enumerable.Repeat(8191, 255).ToArray(), []), 1, 32).Plans[0];
        Assert.Equal(255 * 256, fits.TileCount);
        var e = Assert.Throws<UserInputException>(() => LayerPlan.Build(Batch(1, Enumerable.Repeat(8191, 256).ToArray(), []), 1, 32));
        Assert.Contains("grid-Y limit", e.Message);
        Assert.Contains("decode splits", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ScatteredRowsAreNotAPrefix()
    {
        // A plan whose prefill runs layers the decodes do not reach cannot exist in a real plan, but a hand plan can put a
        // prefill with a shorter range before one with all layers: the second range's layers then see rows that skip the first.
        var batch = Batch(4, [], [(0, 3, new LayerRange(0, 2)), (0, 2, LayerRange.All(4))]);
        var (plans, planOf) = LayerPlan.Build(batch, 4);
        var late = plans[planOf[3]];
        Assert.Equal([3, 4], late.Rows);
        Assert.False(late.IsPrefix);
        Assert.True(plans[planOf[0]].IsPrefix);
    }
}
