namespace LayeredPrefill.Kernels;

/// <summary>Numeric constants every backend shares.</summary>
public static class KernelConstants
{
    /// <summary>RMSNorm epsilon.</summary>
    public const float NormEpsilon = 1e-6f;
}
