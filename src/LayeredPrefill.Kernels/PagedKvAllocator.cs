namespace LayeredPrefill.Kernels;

/// <summary>Hands out fixed-size KV blocks to requests; one block id covers the same positions in every layer.</summary>
public sealed class PagedKvAllocator(int totalBlocks)
{
    private readonly Stack<int> _free = new(Enumerable.Range(0, totalBlocks).Reverse());
    private readonly Dictionary<int, List<int>> _blocks = [];

    /// <summary>Blocks in the pool.</summary>
    public int TotalBlocks { get; } = totalBlocks;

    /// <summary>Blocks not held by any request.</summary>
    public int FreeBlocks => _free.Count;

    /// <summary>The blocks a request holds, in position order.</summary>
    public IReadOnlyList<int> BlocksOf(int requestId) => _blocks.TryGetValue(requestId, out var b) ? b : [];

    /// <summary>Grows a request's block list so that it covers <paramref name="tokens"/> positions.</summary>
    public void EnsureCapacity(int requestId, int tokens)
    {
        if (!_blocks.TryGetValue(requestId, out var list)) _blocks[requestId] = list = [];
        int needed = (tokens + IterationBatch.BlockTokens - 1) / IterationBatch.BlockTokens;
        while (list.Count < needed)
        {
            if (_free.Count == 0)
                throw new InvalidOperationException($"kernel engine KV pool of {TotalBlocks} blocks is full (request {requestId} needs {needed}); give the engine more KV blocks");
            list.Add(_free.Pop());
        }
    }

    /// <summary>Returns a request's blocks to the pool.</summary>
    public void Free(int requestId)
    {
        if (!_blocks.Remove(requestId, out var list)) return;
        foreach (var b in list) _free.Push(b);
    }
}
