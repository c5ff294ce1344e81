using ILGPU.Runtime.Cuda;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>
/// CUDA events recorded on one stream, read after the stream is synchronised: per-layer times without stopping the GPU
/// between layers (a host stopwatch needs a synchronise per layer, which idles the GPU for every launch that follows).
/// </summary>
public sealed class EventClock : IDisposable
{
    private readonly IntPtr[] _events;
    private readonly IntPtr _stream;

    /// <summary>Creates <paramref name="slots"/> events for <paramref name="stream"/>.</summary>
    public EventClock(CudaStream stream, int slots)
    {
        _stream = stream.StreamPtr;
        _events = new IntPtr[slots];
        for (int i = 0; i < slots; i++)
            Check(CudaAPI.CurrentAPI.CreateEvent(out _events[i], CudaEventFlags.CU_EVENT_DEFAULT), "cuEventCreate");
    }

    /// <summary>Records event <paramref name="slot"/> on the stream now.</summary>
    public void Mark(int slot) => Check(CudaAPI.CurrentAPI.RecordEvent(_events[slot], _stream), "cuEventRecord");

    /// <summary>Seconds between two recorded events (after the stream has passed both).</summary>
    public double Seconds(int from, int to)
    {
        Check(CudaAPI.CurrentAPI.ElapsedTime(out float ms, _events[from], _events[to]), "cuEventElapsedTime");
        return ms / 1000.0;
    }

    private static void Check(CudaError error, string what)
    {
        if (error != CudaError.CUDA_SUCCESS) throw new InvalidOperationException($"{what} failed: {error}");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var e in _events) CudaAPI.CurrentAPI.DestroyEvent(e);
    }
}
