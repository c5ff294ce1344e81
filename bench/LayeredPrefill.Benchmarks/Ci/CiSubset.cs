using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LayeredPrefill.Benchmarks.Config;

namespace LayeredPrefill.Benchmarks.Ci;

/// <summary>
/// The CI subset (<c>--ci</c>): a few cases of every class, measured with a short job, small enough
/// to run in a few minutes on 2 cores yet with enough iterations for the gate's Mann–Whitney test.
/// </summary>
/// <remarks>Apart from <see cref="RecommendedConfig"/> because it names the suites, which use the config's categories.</remarks>
public static class CiSubset
{
    /// <summary><paramref name="config"/> with the CI jobs and the CI filter.</summary>
    public static ManualConfig AddTo(ManualConfig config) => config.AddJob(Job, WallClockJob).AddFilter(Filter);

    /// <summary>
    /// The CI job: two warm-ups and fifteen measured iterations of one invocation each (the cases are
    /// macro benchmarks), in process (building BenchmarkDotNet's per-job project takes minutes on a
    /// loaded 2-core machine), timed by process CPU time where the OS offers it, so that other work
    /// on the machine does not pass for a regression (see <see cref="ProcessCpuClock"/>).
    /// </summary>
    public static Job Job { get; } = CreateJob("ci", ProcessCpuClock.Instance.IsAvailable);

    /// <summary>
    /// The same job on the wall clock, for multi-threaded cases (real kernels): their worker threads
    /// spin while they wait, and process CPU time would count the spinning, which depends on the load.
    /// </summary>
    public static Job WallClockJob { get; } = CreateJob("ci-wall", cpuClock: false);

    private static Job CreateJob(string id, bool cpuClock)
    {
        var job = new Job(id)
        {
            Infrastructure = { Toolchain = InProcessEmitToolchain.Instance },
            Run =
            {
                RunStrategy = RunStrategy.Monitoring,
                LaunchCount = 1,
                WarmupCount = 2,
                IterationCount = 15,
            },
        };
        if (cpuClock) job.Infrastructure.Clock = ProcessCpuClock.Instance;
        return job.Freeze();
    }

    /// <summary>Which cases the CI runs.</summary>
    public static IFilter Filter { get; } = new SimpleFilter(Includes);

    /// <summary>True for the cases in the CI subset.</summary>
    public static bool Includes(BenchmarkCase benchmarkCase)
    {
        bool multiThreaded = benchmarkCase.Descriptor.HasCategory(Categories.Kernels);
        if (benchmarkCase.Job.Id != (multiThreaded ? WallClockJob.Id : Job.Id)) return false;
        string? Param(string name) => benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == name)?.Value?.ToString();
        return benchmarkCase.Descriptor.Type.Name switch
        {
            // Both models and every policy on the filtered arXiv trace: the paper's comparison in miniature.
            nameof(Suites.Serving) => Param("Trace") == "arxiv",
            nameof(Suites.Simulator) => Param("Requests") == "50",
            // Real kernels on the backend every machine has; one batch size is enough to see a slowdown.
            nameof(Suites.ExpertFfn) => Param("Backend") == "simd" && Param("Tokens") == "128",
            nameof(Suites.LayerGroupIteration) => Param("Backend") == "simd",
            _ => false,
        };
    }
}
