namespace LayeredPrefill.Models;

/// <summary>Storage type of weights and KV cache entries.</summary>
public enum WeightDtype { Bf16, Fp16, Fp32, Fp8 }

/// <summary>Byte sizes of <see cref="WeightDtype"/> values.</summary>
public static class WeightDtypeExtensions
{
    /// <summary>Bytes per stored element.</summary>
    public static int BytesPerElement(this WeightDtype dtype) => dtype switch
    {
        WeightDtype.Bf16 or WeightDtype.Fp16 => 2,
        WeightDtype.Fp32 => 4,
        WeightDtype.Fp8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>Parses "bf16", "fp16", "fp32", "fp8" (case-insensitive); anything else is a user error.</summary>
    public static WeightDtype Parse(string text, string where) => text.Trim().ToLowerInvariant() switch
    {
        "bf16" or "bfloat16" => WeightDtype.Bf16,
        "fp16" or "float16" or "half" => WeightDtype.Fp16,
        "fp32" or "float32" or "float" => WeightDtype.Fp32,
        "fp8" => WeightDtype.Fp8,
        _ => throw new UserInputException($"{where}: unknown dtype '{text}' (valid: bf16, fp16, fp32, fp8)"),
    };
}
