using System.CommandLine;
using System.Globalization;
using LayeredPrefill.Cli.Options;
using LayeredPrefill.Cli.Output;
using LayeredPrefill.Experiments;
using LayeredPrefill.IO;
using LayeredPrefill.Metrics;

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
            var kind = OutputFormat.Resolve(parse, options.Format, options.Json);
            string? output = ExperimentSetup.OutputPath(options, parse);
            string? requestsCsv = ExperimentSetup.RequestsCsvPath(options, parse);
            RunContext.Now(); // each result is stamped as its policy finishes: a bad SOURCE_DATE_EPOCH is refused now, not after the work
            var goodput = GoodputObjectives.Parse(parse.GetValue(options.Goodput));
            // Notes wait until every option has been checked, so a refused run prints its one error line only.
            var notes = new List<string>();
            var (specs, executor) = ExperimentSetup.Resolve(options, parse, policySpecs, notes.Add);
            if (executor.IsKernels && KernelWorkloadWarning.For(specs, executor.BackendName) is { } warning) notes.Add(warning);
            notes.ForEach(Console.Error.WriteLine);
            bool sloGiven = parse.GetResult(options.SloTtftMs) is { Implicit: false } || parse.GetResult(options.SloItlMs) is { Implicit: false };
            string? label = parse.GetValue(options.Label);
            string Label(RunReport r) => label is null ? r.Spec.Policy.Name : allowMany ? $"{label}-{r.Spec.Policy.Name}" : label;
            var jsonOptions = new ResultJson.Options(parse.GetValue(options.Timelines), parse.GetValue(options.IterationLog), parse.GetValue(options.RecordTokens),
                parse.GetValue(options.SaveDetailed));
            var contexts = new List<RunContext>(); // in the order the policies finish, which is the reports' order
            var entries = new List<IndexEntry>();
            // Each policy's files are written the moment it finishes, so a run cut short later (a time limit, Ctrl-C, a
            // failure in the next policy) keeps every policy that finished; the index follows once all have.
            void Keep(RunReport r)
            {
                var context = executor.Context(r.Spec, Label(r), goodput, RunContext.Now(), sloGiven);
                contexts.Add(context);
                if (output is not null)
                {
                    string path = allowMany ? ResultFiles.RunPath(output, Label(r)) : output;
                    AtomicFile.WriteAllText(path, ResultJson.Write(r, context, jsonOptions));
                    entries.Add(new IndexEntry(Label(r), r.Spec.Policy.Name, Path.GetFileName(path)));
                    Console.Error.WriteLine($"wrote {path}");
                }
                if (requestsCsv is not null)
                {
                    string path = allowMany ? ResultFiles.RunPath(requestsCsv, Label(r)) : requestsCsv;
                    AtomicFile.WriteAllText(path, RequestMetricsCsv.Write(r.Run));
                    Console.Error.WriteLine($"wrote {path}");
                }
            }
            var reports = Serve(specs, executor, cancel, parse.GetValue(options.IterationLog), Keep);
            bool? tokensAgree = null;
            if (parse.GetValue(options.RecordTokens))
            {
                var (agree, line) = TokenAgreement.Check(reports);
                tokensAgree = agree;
                Console.Error.WriteLine(line);
            }
            Print(reports, executor, kind, sloGiven, reports.Select((r, i) => ResultJson.Write(r, contexts[i], new ResultJson.Options())).ToArray());
            if (output is not null && allowMany)
            {
                AtomicFile.WriteAllText(output, ResultFiles.Index(name, entries, tokensAgree));
                Console.Error.WriteLine($"wrote {output} (the index of the {reports.Count} files above)");
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>Runs each spec in turn and hands each finished report to <paramref name="finished"/>; an interruption discards the unfinished run.</summary>
    public static IReadOnlyList<RunReport> Serve(IReadOnlyList<ExperimentSpec> specs, ExecutorChoice executor, CancellationToken cancel, bool keepIterationLog,
        Action<RunReport> finished)
    {
        var reports = new List<RunReport>();
        foreach (var spec in specs)
        {
            var progress = new ServeProgress(spec.Policy.Name);
            var report = ExperimentRunner.Run(spec, executor.Factory, cancel, executor.IdlePowerWatts, keepIterationLog, progress.Report);
            progress.Done();
            cancel.ThrowIfCancellationRequested();
            reports.Add(report);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{spec.Policy.Name}: {report.Metrics.Iterations} iterations, {report.Metrics.Completed}/{report.Metrics.Requests} requests in {report.Metrics.DurationSeconds:F1} simulated s ({report.WallSeconds:F2} s wall)"));
            if (RejectionWarning(report, executor.IsKernels) is { } warning) Console.Error.WriteLine(warning);
            finished(report);
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

    private static void Print(IReadOnlyList<RunReport> reports, ExecutorChoice executor, OutputKind kind, bool sloGiven, IReadOnlyList<string> summaries)
    {
        var s = reports[0].Spec;
        var r0 = reports[0];
        string energy = double.IsFinite(r0.Metrics.EnergyJoules) ? "" : "; energy not measured (CPU kernels have no energy counter)";
        string slo = executor.SloSource(sloGiven).Contains("says nothing", StringComparison.Ordinal) ? " (the paper's GPU bounds: a CPU run cannot meet them)" : "";
        string header = string.Create(CultureInfo.InvariantCulture,
            $"{s.Model.Name} on {executor.Describe(s)}, {s.Workload.Name}: {s.Workload.Requests.Count} requests, SLO TTFT ≤ {s.Slo.TtftSeconds * 1000:F0} ms and ITL ≤ {s.Slo.ItlSeconds * 1000:F0} ms{slo}, KV {r0.KvCapacityTokens:N0} tokens{energy}");
        switch (kind)
        {
            case OutputKind.Csv:
                Console.Error.WriteLine(header);
                Console.Out.Write(FlatCsv.FromJson(summaries));
                break;
            case OutputKind.Json:
                Console.Error.WriteLine(header);
                Console.Out.WriteLine("[" + string.Join(",", summaries.Select(j => j.TrimEnd())) + "]");
                break;
            default:
                Console.Out.WriteLine(header);
                ResultTable.Build(reports).Write(OutputKind.Table);
                break;
        }
    }
}
