using BenchmarkDotNet.Running;
using LayeredPrefill.Benchmarks.Ci;
using LayeredPrefill.Benchmarks.Config;
using LayeredPrefill.Benchmarks.Metrics;

namespace LayeredPrefill.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet's switcher, so its conventions work (--filter, --job, --exporters,
/// --list, --anyCategories, --artifacts). One extra flag: --ci runs the CI subset with the CI job.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        bool ci = args.Contains("--ci");
        args = args.Where(a => a != "--ci").ToArray();
        // Without --filter the switcher asks on stdin which benchmark to run; CI has no stdin.
        if (ci && !args.Any(a => a is "--filter" or "-f")) args = [.. args, "--filter", "*"];

        // The hand-over folder for domain metrics; benchmark processes inherit the variable.
        string metricsDirectory = Path.Combine(Path.GetTempPath(), $"layered-prefill-bench-metrics-{Environment.ProcessId}");
        Environment.SetEnvironmentVariable(MetricsFile.DirectoryVariable, metricsDirectory);
        try
        {
            var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, ci ? CiSubset.AddTo(RecommendedConfig.Create()) : RecommendedConfig.Create()).ToArray();
            bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
            if (failed) Console.Error.WriteLine("error: a benchmark failed or did not validate (see above)");
            if (ci && summaries.Sum(s => s.Reports.Length) == 0)
            {
                Console.Error.WriteLine("error: --ci ran no benchmark (check --filter)");
                return 1;
            }
            return failed ? 1 : 0;
        }
        finally
        {
            if (Directory.Exists(metricsDirectory)) Directory.Delete(metricsDirectory, recursive: true);
        }
    }
}
