using ILGPU;

namespace LayeredPrefill.Execution.Kernels.Cuda;

/// <summary>16-byte reads as two plain 8-byte ILGPU loads from a view, for kernels that address by raw device pointers.</summary>
/// <remarks>
/// Inline-PTX loads hand their results back through local-memory slots (EmitRef, and Emit's out value too); ptxas kept one
/// local store per load in v1 (LDL/STL count = LDG count in all of pass 1's kernels), and a store of a load's result makes
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

    /// <summary>16 bytes: one 16-byte load when <paramref name="wide"/> is nonzero, else two 8-byte loads.</summary>
    public static U4 Load16(ArrayView<ulong> words, ulong viewAddress, ulong address, int wide) =>
        wide != 0 ? Load16Wide(words, viewAddress, address) : Load16(words, viewAddress, address);

    /// <summary>The same 16 bytes as one load of a 16-byte element (ILGPU emits ld.global.v4.b32 for it).</summary>
    public static U4 Load16Wide(ArrayView<ulong> words, ulong viewAddress, ulong address)
    {
        long i = (long)((address - viewAddress) >> 4);
        return words.Cast<U4>()[i];
    }
}
