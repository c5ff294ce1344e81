using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using LayeredPrefill.Cli.Options;
using LayeredPrefill.Cli.Output;
using LayeredPrefill.Execution;
using LayeredPrefill.Experiments;
using LayeredPrefill.IO;

namespace LayeredPrefill.Cli.Commands;

/// <summary>The body shared by `run` (one policy) and `compare` (several on the same workload).</summary>
internal static class ServeVerb
{
    public static Command Create(string name, string description, string defaultPolicies, bool allowMany)
    {
        var options = new ServingOptions();
        var policies = SharedOptions.Policies(defaultPolicies, allowMany);
        var cmd = new Command(name, description);
        options.AddTo(cmd);
        cmd.Options.Add(policies);
        cmd.SetAction((parse, cancel) => CliHost.GuardAsync(() =>
        {
            var policySpecs = ExperimentSetup.Policies(options, parse, parse.GetValue(policies)!);
            if (!allowMany && policySpecs.Count != 1)
                throw new UserInputException($"--policies: `{name}` takes one policy (got {policySpecs.Count}); use `compare` for several");
            string? output = ExperimentSetup.OutputPath(options, parse);
            // Notes wait until every option has been checked, so a refused run prints its one error line only.
            var notes = new List<string>();
            var (specs, executor) = ExperimentSetup.Resolve(options, parse, policySpecs, notes.Add);
            notes.ForEach(Console.Error.WriteLine);
            var reports = Serve(specs, executor, cancel, parse.GetValue(options.IterationLog));
            Print(reports);
            if (output is not null)
            {
                var json = ResultJson.Write(reports, new ResultJson.Options(parse.GetValue(options.Timelines), parse.GetValue(options.IterationLog), parse.GetValue(options.RecordTokens)));
                AtomicFile.WriteAllText(output, json);
                Console.Error.WriteLine($"wrote {output}");
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>Runs each spec in turn; an interruption discards the unfinished run and writes nothing.</summary>
    public static IReadOnlyList<RunReport> Serve(IReadOnlyList<ExperimentSpec> specs, ExecutorChoice executor, CancellationToken cancel, bool keepIterationLog = false)
    {
        var reports = new List<RunReport>();
        foreach (var spec in specs)
        {
            var report = ExperimentRunner.Run(spec, executor.Factory, cancel, executor.IdlePowerWatts, keepIterationLog);
            cancel.ThrowIfCancellationRequested();
            reports.Add(report);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{spec.Policy.Name}: {report.Metrics.Iterations} iterations, {report.Metrics.Completed}/{report.Metrics.Requests} requests in {report.Metrics.DurationSeconds:F1} simulated s ({report.WallSeconds:F2} s wall)"));
            if (RejectionWarning(report, executor.IsKernels) is { } warning) Console.Error.WriteLine(warning);
            // A kernel engine holds its weights until collected: let the next policy's engine reuse the memory.
            if (executor.IsKernels) { GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true); GC.WaitForPendingFinalizers(); }
        }
        return reports;
    }

    /// <summary>Why requests were refused, when any were: a run that serves none must not look like a success.</summary>
    internal static string? RejectionWarning(RunReport report, bool kernels)
    {
        var rejected = report.Run.Requests.Where(r => r.Rejected).ToArray();
        if (rejected.Length == 0) return null;
        long smallest = rejected.Min(r => (long)r.PromptTokens + r.OutputTokens), largest = rejected.Max(r => (long)r.PromptTokens + r.OutputTokens);
        string sizes = smallest == largest ? $"{smallest:N0} tokens" : $"{smallest:N0} to {largest:N0} tokens";
        string fix = kernels ? "raise --kv-blocks" : "raise --gpu-memory-utilization or --tp, or use a device with more memory";
        return string.Create(CultureInfo.InvariantCulture,
            $"warning: {report.Spec.Policy.Name}: {rejected.Length:N0} of {report.Run.Requests.Count:N0} requests were rejected at arrival: each needs KV cache for its prompt + output ({sizes}) but the cache holds {report.KvCapacityTokens:N0} tokens; {fix}");
    }

    private static void Print(IReadOnlyList<RunReport> reports)
    {
        var s = reports[0].Spec;
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{s.Model.Name} on {s.Device.Name} × TP {s.TensorParallel}, {s.Workload.Name}: {s.Workload.Requests.Count} requests, SLO TTFT ≤ {s.Slo.TtftSeconds * 1000:F0} ms and ITL ≤ {s.Slo.ItlSeconds * 1000:F0} ms, KV {reports[0].KvCapacityTokens:N0} tokens")));
        AnsiConsole.Write(ResultTable.Build(reports));
    }
}
