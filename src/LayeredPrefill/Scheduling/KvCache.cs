namespace LayeredPrefill.Scheduling;

/// <summary>
/// A paged KV cache as the scheduler sees it: a pool of fixed-size blocks and how many each
/// request holds. It never hands out more blocks than it has (invariant 4).
/// </summary>
public sealed class KvCache
{
    private readonly Dictionary<int, int> _blocksByRequest = [];

    /// <summary>Creates a cache of <paramref name="totalBlocks"/> blocks of <paramref name="blockTokens"/> tokens.</summary>
    public KvCache(long totalBlocks, int blockTokens = 16)
    {
        if (blockTokens <= 0) throw new UserInputException($"--kv-block-tokens must be > 0 (got {blockTokens})");
        if (totalBlocks <= 0) throw new UserInputException($"KV cache has no room: {totalBlocks} blocks (the weights leave no device memory; raise --gpu-memory-utilization or --tp)");
        TotalBlocks = totalBlocks;
        BlockTokens = blockTokens;
    }

    /// <summary>Blocks in the pool.</summary>
    public long TotalBlocks { get; }

    /// <summary>Tokens per block.</summary>
    public int BlockTokens { get; }

    /// <summary>Blocks held by requests.</summary>
    public long UsedBlocks { get; private set; }

    /// <summary>Blocks free.</summary>
    public long FreeBlocks => TotalBlocks - UsedBlocks;

    /// <summary>Tokens the whole pool holds.</summary>
    public long CapacityTokens => TotalBlocks * BlockTokens;

    /// <summary>Blocks needed for <paramref name="tokens"/> tokens.</summary>
    public long BlocksFor(long tokens) => (tokens + BlockTokens - 1) / BlockTokens;

    /// <summary>Blocks <paramref name="requestId"/> holds now.</summary>
    public int BlocksOf(int requestId) => _blocksByRequest.GetValueOrDefault(requestId);

    /// <summary>True when the request can hold <paramref name="tokens"/> tokens in all.</summary>
    public bool CanHold(int requestId, long tokens) => BlocksFor(tokens) - BlocksOf(requestId) <= FreeBlocks;

    /// <summary>Grows the request's allocation to cover <paramref name="tokens"/> tokens; false (and nothing changes) when the pool is short.</summary>
    public bool TryHold(int requestId, long tokens)
    {
        long extra = BlocksFor(tokens) - BlocksOf(requestId);
        if (extra <= 0) return true;
        if (extra > FreeBlocks) return false;
        _blocksByRequest[requestId] = BlocksOf(requestId) + (int)extra;
        UsedBlocks += extra;
        return true;
    }

    /// <summary>Returns all of the request's blocks to the pool.</summary>
    public void Free(int requestId)
    {
        if (_blocksByRequest.Remove(requestId, out int blocks)) UsedBlocks -= blocks;
    }
}
