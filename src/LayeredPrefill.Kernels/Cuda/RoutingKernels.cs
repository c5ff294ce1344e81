using ILGPU;
using ILGPU.Runtime;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>
/// Device-side routing and sorting: top-k over router logits with renormalised softmax weights, then one block
/// that counts slots per expert, scans them into tiles, and scatters (token, slot) pairs into expert order;
/// and the deterministic top-k combine. No kernel here needs the host to read anything back.
/// </summary>
public static class RoutingKernels
{
    /// <summary>One warp per token: the top-8 of 128 logits (4 per lane), weights = softmax over the chosen logits.</summary>
    /// <remarks>Supports experts ≤ 128 and top-k ≤ 32; ties go to the lower expert index.</remarks>
    public static void TopK(ArrayView<float> logits, int tokens, int experts, int topK, int splits,
        ArrayView<int> topIds, ArrayView<float> topWeights)
    {
        int token = Grid.IdxX * (Group.DimX / 32) + (Group.IdxX >> 5);
        int lane = Group.IdxX & 31;
        if (token >= tokens) return;   // whole warp leaves together
        // Split-K routers leave one partial plane per split; add them in a fixed order.
        float l0 = 0f, l1 = 0f, l2 = 0f, l3 = 0f;
        for (int s = 0; s < splits; s++)
        {
            long row = ((long)s * tokens + token) * experts;
            if (lane < experts) l0 += logits[row + lane];
            if (lane + 32 < experts) l1 += logits[row + lane + 32];
            if (lane + 64 < experts) l2 += logits[row + lane + 64];
            if (lane + 96 < experts) l3 += logits[row + lane + 96];
        }
        if (lane >= experts) l0 = float.NegativeInfinity;
        if (lane + 32 >= experts) l1 = float.NegativeInfinity;
        if (lane + 64 >= experts) l2 = float.NegativeInfinity;
        if (lane + 96 >= experts) l3 = float.NegativeInfinity;
        int myId = 0;
        float myLogit = 0f, top = 0f;
        for (int round = 0; round < topK; round++)
        {
            float v = l0; int id = lane;
            if (l1 > v) { v = l1; id = lane + 32; }
            if (l2 > v) { v = l2; id = lane + 64; }
            if (l3 > v) { v = l3; id = lane + 96; }
            for (int mask = 16; mask > 0; mask >>= 1)
            {
                float ov = Warp.ShuffleXor(v, mask);
                int oid = Warp.ShuffleXor(id, mask);
                if (ov > v || (ov == v && oid < id)) { v = ov; id = oid; }
            }
            if (round == 0) top = v;
            if (lane == round) { myId = id; myLogit = v; }
            if ((id & 31) == lane)
            {
                int q = id >> 5;
                if (q == 0) l0 = float.NegativeInfinity;
                else if (q == 1) l1 = float.NegativeInfinity;
                else if (q == 2) l2 = float.NegativeInfinity;
                else l3 = float.NegativeInfinity;
            }
        }
        float e = lane < topK ? Ptx.Exp(myLogit - top) : 0f;
        float sum = e;
        for (int mask = 16; mask > 0; mask >>= 1) sum += Warp.ShuffleXor(sum, mask);
        if (lane < topK)
        {
            long slot = (long)token * topK + lane;
            topIds[slot] = myId;
            topWeights[slot] = e / sum;
        }
    }

    /// <summary>Threads of the <see cref="Sort"/> block.</summary>
    public const int SortThreads = 1024;

    /// <summary>Most slots the <see cref="Sort"/> block scatters itself; more go to <see cref="Scatter"/> (many blocks).
    /// Past it one block's scatter is slower than a many-block scatter after the scan (results/gpu/NOTES.md has the timings).</summary>
    public const int SortInBlockMaxSlots = 8192;

    /// <summary>
    /// One block sorts the routed slots by expert: a shared-memory histogram of <paramref name="topIds"/> (per-expert
    /// counts), an exclusive scan into offsets and tiles of <paramref name="tileRows"/> rows, and the scatter of every
    /// (token, slot) to the next position of its expert's run: one launch, because at small batches the gaps between
    /// separate memset, count, scan and scatter launches were most of routing's time.
    /// </summary>
    public static void Sort(ArrayView<int> topIds, int slots, int experts, int tileRows,
        ArrayView<int> counts, ArrayView<int> offsets, ArrayView<int> cursors, ArrayView<int> tileInfo, ArrayView<int> tileCount,
        ArrayView<int> sortedSlot, ArrayView<int> slotPosition)
    {
        var hist = SharedMemory.Allocate<int>(MoeShape.MaxExperts);
        var cursor = SharedMemory.Allocate<int>(MoeShape.MaxExperts);
        var tilesBefore = SharedMemory.Allocate<int>(MoeShape.MaxExperts);
        int tid = Group.IdxX, n = Group.DimX;
        for (int e = tid; e < experts; e += n) hist[e] = 0;
        Group.Barrier();
        for (int s = tid; s < slots; s += n) Atomic.Add(ref hist[topIds[s]], 1);
        Group.Barrier();
        if (tid == 0)
        {
            int before = 0, tiles = 0;
            for (int e = 0; e < experts; e++)
            {
                int c = hist[e];
                cursor[e] = before;
                tilesBefore[e] = tiles;
                before += c;
                tiles += (c + tileRows - 1) / tileRows;
            }
            tileCount[0] = tiles;
        }
        Group.Barrier();
        for (int e = tid; e < experts; e += n)
        {
            int count = hist[e], first = cursor[e], t0 = tilesBefore[e];
            counts[e] = count;
            offsets[e] = first;
            cursors[e] = first;
            for (int i = 0; i * tileRows < count; i++)
            {
                int t = t0 + i;
                tileInfo[t * 3] = e;
                tileInfo[t * 3 + 1] = first + i * tileRows;
                tileInfo[t * 3 + 2] = IntrinsicMath.Min(tileRows, count - i * tileRows);
            }
        }
        if (slots > SortInBlockMaxSlots) return;   // Scatter follows with many blocks
        // The cursors are read above before any thread moves them: the scatter starts after this barrier.
        Group.Barrier();
        for (int s = tid; s < slots; s += n)
        {
            int p = Atomic.Add(ref cursor[topIds[s]], 1);
            sortedSlot[p] = s;
            slotPosition[s] = p;
        }
    }

    /// <summary>Large batches: each (token, slot) takes the next position of its expert's run (cursors from <see cref="Sort"/>).</summary>
    public static void Scatter(Index1D slot, ArrayView<int> topIds, ArrayView<int> cursors, ArrayView<int> sortedSlot, ArrayView<int> slotPosition)
    {
        int p = Atomic.Add(ref cursors[topIds[slot]], 1);
        sortedSlot[p] = slot;
        slotPosition[slot] = p;
    }

    /// <summary>out[t, h..h+1] = Σ over slots of the weighted expert outputs (bf16 pairs), in slot order (deterministic, no atomics); one index per pair.</summary>
    public static void Combine(Index1D i, ArrayView<uint> perSlotPairs, int hidden, int topK, ArrayView<float> output)
    {
        float lo = 0f, hi = 0f;
        SlotSum(perSlotPairs, hidden, topK, i, ref lo, ref hi);
        output[2 * i] = lo;
        output[2 * i + 1] = hi;
    }

    /// <summary>Σ over token t's slots, in slot order, of column pair h of the weighted per-slot outputs (pair index i = t·H/2 + h).</summary>
    internal static void SlotSum(ArrayView<uint> perSlotPairs, int hidden, int topK, long i, ref float lo, ref float hi)
    {
        int half = hidden / 2;
        long t = i / half, h = i - t * half;
        long baseIndex = t * topK * half + h;
        for (int s = 0; s < topK; s++)
        {
            uint v = perSlotPairs[baseIndex + (long)s * half];
            lo += Ptx.Lo(v);
            hi += Ptx.Hi(v);
        }
    }

    /// <summary>Fills packed bf16 pairs with uniform values in [-scale, scale) from a counter hash (seeded, order-free).</summary>
    public static void FillUniform(Index1D i, ArrayView<uint> pairs, uint seed, float scale)
    {
        long index = i;
        float lo = (Hash((uint)(2 * index), seed) * 2f - 1f) * scale;
        float hi = (Hash((uint)(2 * index + 1), seed) * 2f - 1f) * scale;
        pairs[i] = Ptx.Pack(lo, hi);
    }

    /// <summary>Fills floats with a value (used to poison outputs before a check).</summary>
    public static void FillF32(Index1D i, ArrayView<float> data, float value) => data[i] = value;

    // murmur3 finaliser of (index, seed): uniform in [0, 1) with 24 bits.
    private static float Hash(uint x, uint seed)
    {
        uint h = x * 0x9E3779B1u ^ seed * 0x85EBCA77u;
        h ^= h >> 16; h *= 0x85EBCA6Bu; h ^= h >> 13; h *= 0xC2B2AE35u; h ^= h >> 16;
        return (h >> 8) * (1f / 16777216f);
    }
}
