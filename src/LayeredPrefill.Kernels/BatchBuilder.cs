using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Kernels;

/// <summary>Turns an <see cref="IterationPlan"/> into per-row metadata, allocating the KV blocks it needs.</summary>
internal static class BatchBuilder
{
    public static IterationBatch Build(IterationPlan plan, int modelLayers, long seed, int vocab,
        PagedKvAllocator kv, Func<int, RequestState> state)
    {
        var tokens = new List<int>();
        var positions = new List<int>();
        var rowRequest = new List<int>();
        var segments = new List<BatchSegment>();
        var all = LayerRange.All(modelLayers);

        foreach (var d in plan.Decodes)
        {
            var s = state(d.RequestId);
            if (s.Generated.Count == 0)
                throw new InvalidOperationException($"request {d.RequestId} decodes before it generated a token");
            kv.EnsureCapacity(d.RequestId, d.ContextTokens + 1);
            segments.Add(new BatchSegment(d.RequestId, tokens.Count, 1, all, d.ContextTokens, false, false, true, IsDecode: true));
            tokens.Add(s.Generated[^1]);
            positions.Add(d.ContextTokens);
            rowRequest.Add(d.RequestId);
        }
        foreach (var p in plan.Prefills)
        {
            if (p.TokenCount <= 0 || p.Layers.Start < 0 || p.Layers.End > modelLayers || p.Layers.Count <= 0)
                throw new InvalidOperationException($"plan {plan.Index}: bad prefill entry {p}");
            var s = state(p.RequestId);
            kv.EnsureCapacity(p.RequestId, p.EndToken);
            bool emits = p.EmitsToken && p.Layers.End == modelLayers;
            segments.Add(new BatchSegment(p.RequestId, tokens.Count, p.TokenCount, p.Layers, p.StartToken,
                p.Layers.Start > 0, p.Layers.End < modelLayers, emits));
            for (int i = p.StartToken; i < p.EndToken; i++)
            {
                tokens.Add(s.TokenAt(p.RequestId, i, seed, vocab));
                positions.Add(i);
                rowRequest.Add(p.RequestId);
            }
        }

        // One block-table copy per request, shared by its rows.
        var offsets = new int[tokens.Count];
        var table = new List<int>();
        var tableStart = new Dictionary<int, int>();
        for (int r = 0; r < tokens.Count; r++)
        {
            int req = rowRequest[r];
            if (!tableStart.TryGetValue(req, out int start))
            {
                tableStart[req] = start = table.Count;
                table.AddRange(kv.BlocksOf(req));
            }
            offsets[r] = start;
        }

        var layerRows = new int[modelLayers][];
        for (int l = 0; l < modelLayers; l++)
        {
            var rows = new List<int>();
            foreach (var seg in segments)
                if (seg.Layers.Contains(l))
                    for (int r = 0; r < seg.RowCount; r++) rows.Add(seg.RowStart + r);
            layerRows[l] = [.. rows];
        }
        var emitting = segments.Where(s => s.Emits).ToList();
        return new IterationBatch(tokens.Count, [.. tokens], [.. positions], offsets, table.Count == 0 ? [0] : [.. table], segments,
            layerRows, emitting.Select(s => s.RowStart + s.RowCount - 1).ToArray(), emitting.Select(s => s.RequestId).ToArray());
    }
}
