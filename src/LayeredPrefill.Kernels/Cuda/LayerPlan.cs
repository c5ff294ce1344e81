namespace LayeredPrefill.Kernels.Cuda;

/// <summary>
/// What the GPU needs to run one layer of an iteration, built on the host once per distinct set of active rows (a layered
/// iteration has two: the prefill group's layers and the decode-only ones): the active batch rows in order, their
/// positions and block-table offsets, the prefill attention tiles and the decode attention work items.
/// </summary>
/// <param name="Rows">Active batch rows, in segment order (the layer works on them as rows 0..Rows.Length-1).</param>
/// <param name="IsPrefix">Rows are 0..n-1, so the layer works on the batch's hidden rows in place (no gather/scatter).</param>
/// <param name="Tiles">Prefill tiles, <see cref="PrefillAttentionKernel.TileInts"/> ints each, longest context first.</param>
/// <param name="Items">Decode splits, <see cref="DecodeAttentionKernel.ItemInts"/> ints each.</param>
/// <param name="DecodeRows">Per decode row: its row, first item, item count (<see cref="DecodeAttentionKernel.RowInts"/>).</param>
public sealed record LayerPlan(int[] Rows, bool IsPrefix, int[] Positions, int[] TableOffsets, int[] Tiles, int[] Items, int[] DecodeRows)
{
    /// <summary>Prefill tiles.</summary>
    public int TileCount => Tiles.Length / PrefillAttentionKernel.TileInts;
    /// <summary>Decode work items.</summary>
    public int ItemCount => Items.Length / DecodeAttentionKernel.ItemInts;
    /// <summary>Decode rows.</summary>
    public int DecodeRowCount => DecodeRows.Length / DecodeAttentionKernel.RowInts;

    /// <summary>The plans of an iteration: one per distinct set of active segments, and which plan each layer takes (-1: no rows).
    /// Decode contexts are cut into splits of <paramref name="splitTokens"/> positions (at most <see cref="DecodeAttentionKernel.SplitTokens"/>).</summary>
    public static (IReadOnlyList<LayerPlan> Plans, int[] PlanOfLayer) Build(IterationBatch batch, int layers, int splitTokens = DecodeAttentionKernel.SplitTokens)
    {
        var plans = new List<LayerPlan>();
        var byKey = new Dictionary<string, int>();
        var planOf = new int[layers];
        for (int l = 0; l < layers; l++)
        {
            var active = batch.Segments.Where(s => s.Layers.Contains(l)).ToList();
            if (active.Count == 0) { planOf[l] = -1; continue; }
            string key = string.Join(",", active.Select(s => s.RowStart));
            if (!byKey.TryGetValue(key, out int index))
            {
                index = plans.Count;
                byKey[key] = index;
                plans.Add(For(batch, active, splitTokens));
            }
            planOf[l] = index;
        }
        return (plans, planOf);
    }

    private static LayerPlan For(IterationBatch batch, IReadOnlyList<BatchSegment> active, int splitTokens)
    {
        var rows = new List<int>();
        var tiles = new List<(int Length, int[] Tile)>();
        var items = new List<int>();
        var decodeRows = new List<int>();
        foreach (var seg in active)
        {
            int first = rows.Count;
            for (int r = 0; r < seg.RowCount; r++) rows.Add(seg.RowStart + r);
            int tableOffset = batch.BlockTableOffsets[seg.RowStart];
            if (seg.IsDecode)
            {
                // A decode row attends to positions 0..SliceStart (its own new position included).
                int context = seg.SliceStart + 1, firstItem = items.Count / DecodeAttentionKernel.ItemInts, splits = 0;
                for (int p = 0; p < context; p += splitTokens, splits++)
                    items.AddRange([first, p, Math.Min(splitTokens, context - p), tableOffset]);
                decodeRows.AddRange([first, firstItem, splits]);
                continue;
            }
            for (int o = 0; o < seg.RowCount; o += PrefillAttentionKernel.TileRows)
            {
                int n = Math.Min(PrefillAttentionKernel.TileRows, seg.RowCount - o), pos0 = seg.SliceStart + o;
                tiles.Add((pos0 + n, [first + o, n, tableOffset, pos0]));
            }
        }
        var rowArray = rows.ToArray();
        bool prefix = rowArray.Select((r, i) => r == i).All(x => x);
        // Longest context first, so the blocks that take longest start first and the tail of the launch is short.
        var tileInts = tiles.OrderByDescending(t => t.Length).ThenBy(t => t.Tile[0]).SelectMany(t => t.Tile).ToArray();
        return new LayerPlan(rowArray, prefix, rowArray.Select(r => batch.Positions[r]).ToArray(),
            rowArray.Select(r => batch.BlockTableOffsets[r]).ToArray(), tileInts, [.. items], [.. decodeRows]);
    }
}
