using System.Runtime.InteropServices;

namespace LayeredPrefill.Kernels.Cuda;

/// <summary>
/// The few cuBLAS calls the baseline needs, bound at run time from CUDA 13's libcublas.so.13
/// (ILGPU.Algorithms' wrapper only looks for .so.10–12). Set CUBLAS_LIB to a full path if the loader can't find it.
/// </summary>
public sealed unsafe class Cublas : IDisposable
{
    private const int OpN = 0, OpT = 1, Bf16Type = 14, F32Type = 0, Compute32F = 68, GemmDefault = -1;
    private readonly IntPtr _handle;
    private readonly delegate* unmanaged<IntPtr, int> _destroy;
    private readonly delegate* unmanaged<IntPtr, int, int, int, int, int, float*, IntPtr, int, int, IntPtr, int, int, float*, IntPtr, int, int, int, int, int> _gemmEx;

    /// <summary>Where the library was loaded from.</summary>
    public string LibraryPath { get; }

    private Cublas(IntPtr lib, string path, IntPtr stream)
    {
        LibraryPath = path;
        var create = (delegate* unmanaged<IntPtr*, int>)NativeLibrary.GetExport(lib, "cublasCreate_v2");
        _destroy = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(lib, "cublasDestroy_v2");
        var setStream = (delegate* unmanaged<IntPtr, IntPtr, int>)NativeLibrary.GetExport(lib, "cublasSetStream_v2");
        _gemmEx = (delegate* unmanaged<IntPtr, int, int, int, int, int, float*, IntPtr, int, int, IntPtr, int, int, float*, IntPtr, int, int, int, int, int>)
            NativeLibrary.GetExport(lib, "cublasGemmEx");
        IntPtr h;
        Check(create(&h), "cublasCreate_v2");
        _handle = h;
        Check(setStream(_handle, stream), "cublasSetStream_v2");
    }

    /// <summary>Loads cuBLAS and binds a handle to <paramref name="stream"/>, or null with the reason.</summary>
    public static Cublas? TryCreate(IntPtr stream, out string reason)
    {
        reason = "";
        var candidates = new List<string>();
        var env = Environment.GetEnvironmentVariable("CUBLAS_LIB");
        if (!string.IsNullOrEmpty(env)) candidates.Add(env);
        candidates.AddRange(new[] { "libcublas.so.13", "/usr/local/cuda/lib64/libcublas.so.13", "libcublas.so.12", "libcublas.so" });
        foreach (var c in candidates)
            if (NativeLibrary.TryLoad(c, out var lib))
                return new Cublas(lib, c, stream);
        reason = "libcublas not found (tried " + string.Join(", ", candidates) + ")";
        return null;
    }

    /// <summary>Row-major C[m, n] = A[m, k] · W[n, k]ᵀ, bf16 inputs, f32 accumulate, C in bf16 or f32.</summary>
    public void GemmRowMajorABt(ulong a, ulong w, ulong c, int m, int n, int k, bool outF32)
    {
        float alpha = 1f, beta = 0f;
        // Column-major view: Cᵀ[n, m] = W[k, n]ᵀ · Aᵀ[k, m].
        Check(_gemmEx(_handle, OpT, OpN, n, m, k, &alpha, (IntPtr)(long)w, Bf16Type, k, (IntPtr)(long)a, Bf16Type, k,
            &beta, (IntPtr)(long)c, outF32 ? F32Type : Bf16Type, n, Compute32F, GemmDefault), "cublasGemmEx");
    }

    private static void Check(int status, string what)
    {
        if (status != 0) throw new InvalidOperationException($"{what} returned cuBLAS status {status}");
    }

    /// <inheritdoc/>
    public void Dispose() => _destroy(_handle);
}
