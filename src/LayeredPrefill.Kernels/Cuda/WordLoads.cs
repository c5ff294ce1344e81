using ILGPU;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>16-byte reads as two plain 8-byte ILGPU loads from a view, for kernels that address by raw device pointers.</summary>
/// <remarks>
/// Inline-PTX loads hand their results back through local-memory slots (EmitRef, and Emit's out value too); ptxas kept one
/// local store per load (LDL/STL count = LDG count in the kernels that loaded that way), and a store of a load's result makes
/// the thread wait for that load before issuing the next. A view load lands in a register, so a slice's loads overlap.
/// </remarks>
public static class WordLoads
{
    /// <summary>The 16 bytes at device address <paramref name="address"/>, inside the view <paramref name="words"/> that starts at <paramref name="viewAddress"/>.</summary>
    public static U4 Load16(ArrayView<ulong> words, ulong viewAddress, ulong address)
    {
        long i = (long)((address - viewAddress) >> 3);
        ulong lo = words[i], hi = words[i + 1];
        return new U4 { X = (uint)lo, Y = (uint)(lo >> 32), Z = (uint)hi, W = (uint)(hi >> 32) };
    }
}
