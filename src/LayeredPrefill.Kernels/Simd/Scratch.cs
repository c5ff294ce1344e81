namespace LayeredPrefill.Kernels.Simd;

/// <summary>
/// Per-backend working buffers, grown to the largest batch seen and reused by every layer and iteration: a layer of a
/// 1,000-token batch needs about 100 MB of activations, and allocating them afresh each time kept hundreds of MB of
/// garbage alive between collections. Contents are stale between uses; callers pass exact lengths.
/// </summary>
public sealed class Scratch
{
    private readonly Dictionary<string, float[]> _buffers = new(StringComparer.Ordinal);

    /// <summary>A buffer called <paramref name="name"/> of at least <paramref name="length"/> floats.</summary>
    public float[] Get(string name, long length)
    {
        if (!_buffers.TryGetValue(name, out var buffer) || buffer.Length < length)
            _buffers[name] = buffer = GC.AllocateUninitializedArray<float>(checked((int)Math.Max(length, 16)));
        return buffer;
    }
}
