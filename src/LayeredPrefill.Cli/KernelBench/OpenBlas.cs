using System.Runtime.InteropServices;

namespace LayeredPrefill.Cli.KernelBench;

/// <summary>Debian's libopenblas0 through P/Invoke, as a yardstick for the packed GEMM.</summary>
public static unsafe class OpenBlas
{
    private const string Library = "libopenblas.so.0";
    private const int RowMajor = 101, NoTrans = 111;

    [DllImport(Library, EntryPoint = "cblas_sgemm")]
    private static extern void Sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [DllImport(Library, EntryPoint = "openblas_set_num_threads")]
    private static extern void SetThreads(int threads);

    /// <summary>True when the library loads.</summary>
    public static bool Available => NativeLibrary.TryLoad(Library, out _);

    /// <summary>Sets OpenBLAS's thread count.</summary>
    public static void SetThreadCount(int threads) => SetThreads(threads);

    /// <summary>C[m, n] = A[m, k]·B[k, n], row-major.</summary>
    public static void Gemm(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        fixed (float* pa = a, pb = b, pc = c)
            Sgemm(RowMajor, NoTrans, NoTrans, m, n, k, 1f, pa, k, pb, n, 0f, pc, n);
    }
}
