using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>The card's read bandwidth as our own kernels see it: 16-byte loads over a buffer far larger than the L2, XOR-folded so no load is dropped.</summary>
public static class ReadBandwidth
{
    /// <summary>Grid-stride reads of <paramref name="data"/>; one word per thread out.</summary>
    public static void Kernel(Index1D i, ArrayView<U4> data, ArrayView<uint> sink)
    {
        long n = data.Length, stride = Grid.DimX * Group.DimX;
        uint acc = 0;
        for (long j = i; j < n; j += stride)
        {
            U4 v = data[j];
            acc ^= v.X ^ v.Y ^ v.Z ^ v.W;
        }
        sink[i] = acc;
    }

    /// <summary>Fills the buffer with a counter pattern (never time on zeros).</summary>
    public static void Fill(Index1D i, ArrayView<U4> data)
    {
        uint x = (uint)i * 0x9E3779B1u;
        data[i] = new U4 { X = x, Y = x ^ 0x85EBCA77u, Z = x + 1, W = ~x };
    }

    /// <summary>Median bytes per second over <paramref name="repeats"/> passes of a <paramref name="bytes"/>-byte buffer, after one warm-up pass.</summary>
    public static double Measure(Accelerator acc, long bytes = 8L << 30, int repeats = 7)
    {
        using var data = acc.Allocate1D<U4>(bytes / 16);
        acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<U4>>(Fill)((int)data.Length, data.View);
        int threads = acc.NumMultiprocessors * 2048;
        using var sink = acc.Allocate1D<uint>(threads);
        var kernel = acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<U4>, ArrayView<uint>>(Kernel);
        kernel(threads, data.View, sink.View);
        acc.Synchronize();
        var rates = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            long start = Stopwatch.GetTimestamp();
            kernel(threads, data.View, sink.View);
            acc.Synchronize();
            rates[r] = bytes / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return LayeredPrefill.Metrics.LatencySummary.Median(rates);
    }
}
