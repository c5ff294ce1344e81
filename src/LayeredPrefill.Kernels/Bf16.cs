namespace LayeredPrefill.Kernels;

/// <summary>bfloat16 bit conversions for the whole assembly: the SIMD engine's packed weights, the GPU's host code and its ILGPU kernels (round to nearest even).</summary>
public static class Bf16
{
    /// <summary>The bf16 bits nearest to <paramref name="value"/>.</summary>
    public static ushort FromFloat(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return 0x7FC0; // NaN stays NaN
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    /// <summary>The float a bf16 bit pattern stands for.</summary>
    public static float ToFloat(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary><paramref name="value"/> rounded to the nearest bf16, as an fp32 (what a bf16 kernel multiplies by).</summary>
    public static float Round(float value) => ToFloat(FromFloat(value));

    /// <summary>Low and high bf16 of a packed pair.</summary>
    public static (float Low, float High) Unpack(uint packed) => (ToFloat((ushort)packed), ToFloat((ushort)(packed >> 16)));
}
