namespace LayeredPrefill.Kernels.Cuda;

/// <summary>
/// What the GPU needs to run one layer of an iteration, built on the host once per distinct set of active rows (a layered
/// iteration has two: the prefill group's layers and the decode-only ones): the active batch rows in order, their
/// positions and block-table offsets, and the attention tiles (prefill slices cut into 16-row tiles, decode rows cut into
/// splits of their context) with the decode rows whose splits <see cref="AttentionKernel.Combine"/> merges.
/// </summary>
/// <param name="Rows">Active batch rows, in segment order (the layer works on them as rows 0..Rows.Length-1).</param>
/// <param name="IsPrefix">Rows are 0..n-1, so the layer works on the batch's hidden rows in place (no gather/scatter).</param>
/// <param name="Tiles">Attention tiles, <see cref="AttentionKernel.TileInts"/> ints each, longest first.</param>
/// <param name="DecodeRows">Per decode row: its row, first split, split count (<see cref="AttentionKernel.RowInts"/>).</param>
public sealed record LayerPlan(int[] Rows, bool IsPrefix, int[] Positions, int[] TableOffsets, int[] Tiles, int[] DecodeRows)
{
    /// <summary>Attention tiles.</summary>
    public int TileCount => Tiles.Length / AttentionKernel.TileInts;
    /// <summary>Decode splits (partial outputs).</summary>
    public int SplitCount => DecodeRows.Length == 0 ? 0 : DecodeRows[^2] + DecodeRows[^1];
    /// <summary>Decode rows.</summary>
    public int DecodeRowCount => DecodeRows.Length / AttentionKernel.RowInts;

    /// <summary>Most attention tiles one plan may hold: the launch puts tiles in grid Y, which CUDA caps at 65,535.</summary>
    public const int MaxTiles = 65_535;

    /// <summary>The plans of an iteration: one per distinct set of active segments, and which plan each layer takes (-1: no rows).
    /// Decode contexts are cut into splits of <paramref name="splitTokens"/> positions (a multiple of the 32-position KV tile).</summary>
    public static (IReadOnlyList<LayerPlan> Plans, int[] PlanOfLayer) Build(IterationBatch batch, int layers, int splitTokens = AttentionKernel.SplitTokens)
    {
        if (splitTokens <= 0 || splitTokens % AttentionKernel.KvTile != 0)
            throw new ArgumentException($"decode splits must be a positive multiple of {AttentionKernel.KvTile} positions (got {splitTokens})", nameof(splitTokens));
        // A layer's active segments are those whose layer range holds it; segments of one range are active together, so a set
        // of ranges (a bit each) names a plan.
        var ranges = batch.Segments.Select(s => s.Layers).Distinct().ToList();
        var plans = new List<LayerPlan>();
        var byKey = new Dictionary<ulong, int>();
        var planOf = new int[layers];
        for (int l = 0; l < layers; l++)
        {
            ulong key = 0;
            for (int r = 0; r < ranges.Count; r++)
                if (ranges[r].Contains(l)) key |= r < 64 ? 1UL << r : throw new InvalidOperationException("more than 64 distinct layer ranges in one iteration");
            if (key == 0) { planOf[l] = -1; continue; }
            if (!byKey.TryGetValue(key, out int index))
            {
                index = plans.Count;
                byKey[key] = index;
                plans.Add(For(batch, batch.Segments.Where(s => s.Layers.Contains(l)).ToList(), splitTokens));
            }
            planOf[l] = index;
        }
        return (plans, planOf);
    }

    private static LayerPlan For(IterationBatch batch, IReadOnlyList<BatchSegment> active, int splitTokens)
    {
        int rowCount = active.Sum(s => s.RowCount);
        var rows = new int[rowCount];
        var tiles = new List<(int Length, int[] Tile)>();
        var decodeRows = new List<int>();
        int next = 0, splits = 0;
        foreach (var seg in active)
        {
            int first = next;
            for (int r = 0; r < seg.RowCount; r++) rows[next++] = seg.RowStart + r;
            int tableOffset = batch.BlockTableOffsets[seg.RowStart];
            if (seg.IsDecode)
            {
                // A decode row attends to positions 0..SliceStart (its own new position included), split by position.
                int context = seg.SliceStart + 1, count = 0;
                for (int p = 0; p < context; p += splitTokens, count++)
                {
                    int end = Math.Min(context, p + splitTokens);
                    tiles.Add((end - p, [first, 1, tableOffset, seg.SliceStart, p / AttentionKernel.KvTile, (end + AttentionKernel.KvTile - 1) / AttentionKernel.KvTile, splits + count]));
                }
                decodeRows.AddRange([first, splits, count]);
                splits += count;
                continue;
            }
            for (int o = 0; o < seg.RowCount; o += AttentionKernel.TileRows)
            {
                int n = Math.Min(AttentionKernel.TileRows, seg.RowCount - o), pos0 = seg.SliceStart + o;
                tiles.Add((pos0 + n, [first + o, n, tableOffset, pos0, 0, (pos0 + n + AttentionKernel.KvTile - 1) / AttentionKernel.KvTile, -1]));
            }
        }
        if (tiles.Count > MaxTiles)
            throw new UserInputException($"one iteration's attention needs {tiles.Count:N0} tiles, over CUDA's grid-Y limit of {MaxTiles:N0} per launch: " +
                $"run fewer or shorter sequences per iteration, or longer decode splits (now {splitTokens} positions)");
        bool prefix = true;
        for (int i = 0; i < rows.Length && prefix; i++) prefix = rows[i] == i;
        // Longest first, so the blocks that take longest start first and the tail of the launch is short.
        var tileInts = tiles.OrderByDescending(t => t.Length).ThenBy(t => t.Tile[0]).ThenBy(t => t.Tile[4]).SelectMany(t => t.Tile).ToArray();
        var positions = new int[rowCount];
        var offsets = new int[rowCount];
        for (int i = 0; i < rowCount; i++) { positions[i] = batch.Positions[rows[i]]; offsets[i] = batch.BlockTableOffsets[rows[i]]; }
        return new LayerPlan(rows, prefix, positions, offsets, tileInts, [.. decodeRows]);
    }
}
