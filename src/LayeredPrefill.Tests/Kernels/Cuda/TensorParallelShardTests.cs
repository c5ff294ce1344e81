using LayeredPrefill.Kernels.Cuda;
using LayeredPrefill.Models;

namespace LayeredPrefill.Tests.Kernels.Cuda;

/// <summary>The tensor-parallel layout of the GPU executor (host side; the two-GPU run itself needs a machine with two GPUs).</summary>
public sealed class TensorParallelShardTests
{
    [Theory]
    [InlineData("qwen3-30b-a3b", 1)]
    [InlineData("qwen3-30b-a3b", 2)]
    [InlineData("qwen3-30b-a3b", 4)]
    [InlineData("qwen3-30b-a3b", 8)]
    [InlineData("mixtral-8x7b", 2)]
    [InlineData("small-moe", 4)]
    public void The_ranks_cover_every_query_head_ffn_column_and_vocab_row_once(string name, int ranks)
    {
        var m = ModelCatalog.Get(name);
        var shards = Enumerable.Range(0, ranks).Select(r => TensorParallelShard.Of(m, r, ranks)).ToArray();
        void Covers(Func<TensorParallelShard, ShardRange> range, int total)
        {
            int next = 0;
            foreach (var s in shards) { Assert.Equal(next, range(s).Start); next = range(s).End; }
            Assert.Equal(total, next);
        }
        Covers(s => s.QueryHeads, m.QueryHeads);
        Covers(s => s.ExpertFfn, m.ExpertFfnSize);
        Covers(s => s.Vocab, m.VocabSize);
        int group = m.QueryHeads / m.KvHeads;
        foreach (var s in shards)
        {
            // Every query head a rank holds reads a KV head that rank holds.
            for (int h = s.QueryHeads.Start; h < s.QueryHeads.End; h++) Assert.InRange(h / group, s.KvHeads.Start, s.KvHeads.End - 1);
            Assert.Equal((s.QueryHeads.Count + 2 * s.KvHeads.Count) * m.HeadDim, s.QkvColumns(m));
            Assert.Equal(ranks == 1 ? 0 : 2, s.AllReducesPerLayer);
        }
        if (m.KvHeads >= ranks) Covers(s => s.KvHeads, m.KvHeads);
    }

    [Fact]
    public void Qwen3_at_eight_ranks_replicates_its_four_kv_heads()
    {
        var m = ModelCatalog.Get("qwen3-30b-a3b");
        var kv = Enumerable.Range(0, 8).Select(r => TensorParallelShard.Of(m, r, 8).KvHeads.Start).ToArray();
        Assert.Equal([0, 0, 1, 1, 2, 2, 3, 3], kv);
    }

    [Theory]
    [InlineData(3, "query heads")]
    [InlineData(0, "--tp")]
    public void A_split_the_shape_does_not_allow_is_refused(int ranks, string named)
    {
        var e = Assert.Throws<UserInputException>(() => TensorParallelShard.Of(ModelCatalog.Get("qwen3-30b-a3b"), 0, ranks));
        Assert.Contains(named, e.Message);
    }
}
