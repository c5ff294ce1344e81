using LayeredPrefill.Models;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>A contiguous range [Start, End) of rows, columns or heads one GPU holds.</summary>
public readonly record struct ShardRange(int Start, int End)
{
    /// <summary>Elements in the range.</summary>
    public int Count => End - Start;
}

/// <summary>
/// What GPU <see cref="Rank"/> of a tensor-parallel group of <see cref="Ranks"/> holds of one model, Megatron-style as vLLM
/// shards it: query heads and their KV heads (KV heads replicated when there are fewer than GPUs), the QKV projection by those
/// heads' output columns and the output projection by the same heads' input rows (its partial sums are all-reduced), each
/// expert's gate/up by FFN columns and its down projection by the same FFN rows (all-reduced after the combine), the LM head
/// by vocab rows (its logits gathered); norms, the router and the embedding whole on every GPU. One all-reduce after
/// attention and one after the MoE per layer, as the roofline's TP term prices them.
/// </summary>
public sealed record TensorParallelShard(int Rank, int Ranks, ShardRange QueryHeads, ShardRange KvHeads, ShardRange ExpertFfn, ShardRange Vocab)
{
    /// <summary>The shard of <paramref name="rank"/> in a group of <paramref name="ranks"/>; refuses a split the model's shape does not allow.</summary>
    public static TensorParallelShard Of(MoeModel m, int rank, int ranks)
    {
        // The head split is the roofline's rule (one rule for which TP degrees a model allows); the FFN split is this layout's own.
        LayeredPrefill.Execution.Roofline.RooflineExecutor.ValidateTensorParallel(m, ranks);
        if (rank < 0 || rank >= ranks) throw new ArgumentOutOfRangeException(nameof(rank), $"rank {rank} is not in [0, {ranks})");
        if (m.ExpertFfnSize % ranks != 0) throw new UserInputException($"--tp {ranks} does not divide the expert FFN size {m.ExpertFfnSize} of '{m.Name}'");
        int q = m.QueryHeads / ranks;
        var queries = new ShardRange(rank * q, (rank + 1) * q);
        // Fewer KV heads than GPUs: each GPU keeps the one KV head its query heads read (vLLM replicates it).
        var kv = m.KvHeads >= ranks
            ? new ShardRange(rank * (m.KvHeads / ranks), (rank + 1) * (m.KvHeads / ranks))
            : new ShardRange(queries.Start / (m.QueryHeads / m.KvHeads), queries.Start / (m.QueryHeads / m.KvHeads) + 1);
        int f = m.ExpertFfnSize / ranks, v = (m.VocabSize + ranks - 1) / ranks;
        return new TensorParallelShard(rank, ranks, queries, kv, new ShardRange(rank * f, (rank + 1) * f),
            new ShardRange(Math.Min(m.VocabSize, rank * v), Math.Min(m.VocabSize, (rank + 1) * v)));
    }

    /// <summary>Output columns of this GPU's part of the fused QKV projection (its query heads, then its K heads, then its V heads).</summary>
    public int QkvColumns(MoeModel m) => (QueryHeads.Count + 2 * KvHeads.Count) * m.HeadDim;

    /// <summary>The all-reduces per layer this layout needs (none on one GPU).</summary>
    public int AllReducesPerLayer => Ranks == 1 ? 0 : 2;
}
