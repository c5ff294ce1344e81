using System.Numerics.Tensors;

namespace LayeredPrefill.Kernels.Simd;

/// <summary>Paged KV pool of one layer: [block][16 slots][kvHeads·headDim] for keys and for values.</summary>
public sealed class SimdKvPool(int blocks, int kvWidth)
{
    /// <summary>Floats per token (kvHeads·headDim).</summary>
    public int KvWidth { get; } = kvWidth;
    /// <summary>Keys.</summary>
    public float[] Keys { get; } = new float[(long)blocks * IterationBatch.BlockTokens * kvWidth];
    /// <summary>Values.</summary>
    public float[] Values { get; } = new float[(long)blocks * IterationBatch.BlockTokens * kvWidth];

    /// <summary>Float offset of a token's entry, given the request's block table.</summary>
    public static long Offset(ReadOnlySpan<int> blockTable, int position, int kvWidth) =>
        ((long)blockTable[position / IterationBatch.BlockTokens] * IterationBatch.BlockTokens + position % IterationBatch.BlockTokens) * kvWidth;
}

/// <summary>
/// Causal attention over the paged KV cache. Per query: scores in absolute-position order, an exact max,
/// then exp-sum and value accumulation in position order, so the result is the same however the prompt was split.
/// </summary>
public static class SimdAttention
{
    /// <summary>Writes the rows' (roped) keys and values into the pool.</summary>
    public static void WriteKv(ReadOnlySpan<float> qkv, int rows, int width, int qWidth, ReadOnlySpan<int> rowIds, IterationBatch batch, SimdKvPool pool)
    {
        int kv = pool.KvWidth;
        for (int t = 0; t < rows; t++)
        {
            int r = rowIds[t];
            long off = SimdKvPool.Offset(batch.BlockTable.AsSpan(batch.BlockTableOffsets[r]), batch.Positions[r], kv);
            qkv.Slice(t * width + qWidth, kv).CopyTo(pool.Keys.AsSpan((int)off, kv));
            qkv.Slice(t * width + qWidth + kv, kv).CopyTo(pool.Values.AsSpan((int)off, kv));
        }
    }

    /// <summary>output[t, h·D..] = softmax(q·Kᵀ/√D over positions 0..pos) · V.</summary>
    public static void Run(float[] qkv, int rows, int width, int[] rowIds, IterationBatch batch, SimdKvPool pool,
        int queryHeads, int kvHeads, int headDim, float[] output)
    {
        int group = queryHeads / kvHeads, qWidth = queryHeads * headDim;
        float scale = 1f / MathF.Sqrt(headDim);
        Parallel.For(0, rows * queryHeads, new ParallelOptions { MaxDegreeOfParallelism = rows * queryHeads < 16 ? 1 : -1 }, item =>
        {
            int t = item / queryHeads, h = item % queryHeads, r = rowIds[t];
            int pos = batch.Positions[r];
            var table = batch.BlockTable.AsSpan(batch.BlockTableOffsets[r]);
            var q = qkv.AsSpan(t * width + h * headDim, headDim);
            int kvOff = (h / group) * headDim;
            var scores = new float[pos + 1];
            float max = float.NegativeInfinity;
            for (int j = 0; j <= pos; j++)
            {
                long off = SimdKvPool.Offset(table, j, pool.KvWidth) + kvOff;
                scores[j] = TensorPrimitives.Dot(q, pool.Keys.AsSpan((int)off, headDim)) * scale;
                max = MathF.Max(max, scores[j]);
            }
            var acc = output.AsSpan(t * qWidth + h * headDim, headDim);
            acc.Clear();
            float sum = 0;
            for (int j = 0; j <= pos; j++)
            {
                float p = MathF.Exp(scores[j] - max);
                sum += p;
                long off = SimdKvPool.Offset(table, j, pool.KvWidth) + kvOff;
                TensorPrimitives.FusedMultiplyAdd(pool.Values.AsSpan((int)off, headDim), p, acc, acc);
            }
            TensorPrimitives.Multiply(acc, 1f / sum, acc);
        });
    }
}
