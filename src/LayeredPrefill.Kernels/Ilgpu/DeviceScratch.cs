using ILGPU;
using ILGPU.Runtime;

namespace LayeredPrefill.Kernels.Ilgpu;

/// <summary>Named device buffers that grow on demand and are reused across layers and iterations.</summary>
internal sealed class DeviceScratch(Accelerator accelerator) : IDisposable
{
    private readonly Dictionary<string, MemoryBuffer> _buffers = [];

    /// <summary>A view of at least one element and exactly <paramref name="length"/> when length &gt; 0.</summary>
    public ArrayView<T> Get<T>(string name, long length) where T : unmanaged
    {
        long want = Math.Max(1, length);
        if (!_buffers.TryGetValue(name, out var buffer) || buffer is not MemoryBuffer1D<T, Stride1D.Dense> typed || typed.Length < want)
        {
            buffer?.Dispose();
            typed = accelerator.Allocate1D<T>(Math.Max(want, (long)(want * 1.25)));
            _buffers[name] = typed;
        }
        return typed.View.SubView(0, want);
    }

    /// <summary>Uploads <paramref name="data"/> into the named buffer.</summary>
    public ArrayView<T> Upload<T>(string name, T[] data) where T : unmanaged
    {
        var view = Get<T>(name, data.Length);
        if (data.Length > 0) view.SubView(0, data.Length).CopyFromCPU(data);
        return view;
    }

    public void Dispose()
    {
        foreach (var b in _buffers.Values) b.Dispose();
        _buffers.Clear();
    }
}
