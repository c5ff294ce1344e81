using ILGPU;

namespace LayeredPrefill.Kernels.Ilgpu;

/// <summary>Scalars of one GEMM launch (a struct so the kernel keeps few parameters).</summary>
/// <remarks><c>UseTileMap</c> 0: row tile = grid Y·16 over <see cref="Rows"/>, weight group 0. 1: the tile map gives (group, rowStart, rowEnd) per grid Y.</remarks>
public struct GemmShape
{
    public int K, N, Lda, Ldc, Rows, UseTileMap, Tile;
    public long WeightStride;
}

/// <summary>
/// Shared-memory tiled GEMM C = A·W (W row-major [K, N], per group at g·WeightStride). One thread per output element
/// accumulates k = 0..K-1 in order through 16-wide shared tiles: no split-K, so a row's result never depends on the batch.
/// </summary>
public static class IlgpuGemmKernel
{
    /// <summary>Largest tile edge (shared arrays are sized for it); the launch picks s.Tile ≤ this, groups are s.Tile² threads.</summary>
    public const int MaxTile = 16;

    /// <summary>Grid: (ceil(N/tile), row tiles); group: (tile, tile).</summary>
    public static void Kernel(ArrayView<float> a, ArrayView<float> w, ArrayView<float> c, ArrayView<int> tileMap, GemmShape s)
    {
        var tileA = SharedMemory.Allocate<float>(MaxTile * MaxTile);
        var tileB = SharedMemory.Allocate<float>(MaxTile * MaxTile);
        int Tile = s.Tile;
        int tx = Group.IdxX, ty = Group.IdxY;
        int col = Grid.IdxX * Tile + tx;
        int group = 0, rowStart = Grid.IdxY * Tile, rowEnd = s.Rows;
        if (s.UseTileMap != 0)
        {
            group = tileMap[Grid.IdxY * 3];
            rowStart = tileMap[Grid.IdxY * 3 + 1];
            rowEnd = tileMap[Grid.IdxY * 3 + 2];
        }
        if (rowStart >= rowEnd) return; // whole group leaves together: no barrier is skipped by part of it
        int row = rowStart + ty;
        long wBase = group * s.WeightStride;
        float acc = 0f;
        for (int k0 = 0; k0 < s.K; k0 += Tile)
        {
            int ka = k0 + tx, kb = k0 + ty;
            tileA[ty * Tile + tx] = row < rowEnd && ka < s.K ? a[(long)row * s.Lda + ka] : 0f;
            tileB[ty * Tile + tx] = kb < s.K && col < s.N ? w[wBase + (long)kb * s.N + col] : 0f;
            Group.Barrier();
            int kMax = s.K - k0 < Tile ? s.K - k0 : Tile;
            for (int kk = 0; kk < kMax; kk++)
                acc += tileA[ty * Tile + kk] * tileB[kk * Tile + tx];
            Group.Barrier();
        }
        if (row < rowEnd && col < s.N) c[(long)row * s.Ldc + col] = acc;
    }
}
