using System.CommandLine;
using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Experiments;
using LayeredPrefill.IO;
using LayeredPrefill.Metrics;
using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Cli.Options;

/// <summary>Resolves the common options into validated experiment specs (one per policy) before anything runs.</summary>
internal static class ExperimentSetup
{
    /// <summary>The one request bound (<see cref="WorkloadBuilder.MaxRequests"/>).</summary>
    public const int MaxRequests = WorkloadBuilder.MaxRequests;

    public static MoeModel ResolveModel(ServingOptions o, ParseResult p)
    {
        var model = p.GetValue(o.ModelConfig) is { } path ? HfConfigReader.ReadFile(path) : ModelCatalog.GetOrReadConfig(p.GetValue(o.Model)!);
        if (p.GetValue(o.Layers) is { } layers)
        {
            if (layers <= 0 || layers > model.Layers)
                throw new UserInputException($"--layers must be in [1, {model.Layers}] for '{model.Name}' (got {layers})");
            model = model with { Name = $"{model.Name}-L{layers}", Layers = layers, DenseLayers = Math.Min(model.DenseLayers, layers - 1) };
        }
        return model.Validate("--model");
    }

    public static (Workload Workload, string TraceName, ClientSpec Client) ResolveWorkload(ServingOptions o, ParseResult p, MoeModel model, Action<string> warn)
    {
        int requests = p.GetValue(o.Requests);
        if (requests is <= 0 or > MaxRequests) throw new UserInputException($"--requests must be in [1, {MaxRequests}] (got {requests})");
        double? rate = p.GetValue(o.Rate);
        if (rate is { } r && (!(r > 0) || !double.IsFinite(r))) throw new UserInputException($"--rate must be > 0 (got {r})");
        int seed = p.GetValue(o.Seed);
        var ramp = RampUp.Parse(p.GetValue(o.RampUpStrategy), p.GetValue(o.RampUpStartRps), p.GetValue(o.RampUpEndRps), rate);
        double burstiness = p.GetValue(o.Burstiness);
        int? concurrency = p.GetValue(o.MaxConcurrency);
        if (concurrency is <= 0) throw new UserInputException($"--max-concurrency must be > 0 (got {concurrency})");

        if (p.GetValue(o.JoinDecodes) is { } decoders)
        {
            if (p.GetValue(o.PromptTokens) is not { } joining) throw new UserInputException("--join-decodes needs --prompt-tokens (the joining prompt)");
            var join = JoinWorkload.Build(decoders, joining, p.GetValue(o.OutputTokens), model.MaxModelLengthTokens);
            return (join, join.Name, new ClientSpec(join.Requests.Count, null, MaxConcurrency: concurrency, Seed: seed, ArrivalProcess: "join"));
        }
        if (p.GetValue(o.PromptTokens) is { } prompt)
        {
            // A synthetic workload replaces the trace: naming one as well would be silently ignored, so refuse the pair.
            if (p.GetValue(o.TraceFile) is not null)
                throw new UserInputException("--trace-file and --prompt-tokens: give one (a trace, or a synthetic workload), not both");
            if (p.GetResult(o.Trace) is { Implicit: false })
                throw new UserInputException("--trace and --prompt-tokens: give one (a trace, or a synthetic workload), not both");
            int output = p.GetValue(o.OutputTokens);
            if (prompt <= 0) throw new UserInputException($"--prompt-tokens must be > 0 (got {prompt})");
            if (output <= 0) throw new UserInputException($"--output-tokens must be > 0 (got {output})");
            // long: two int.MaxValue lengths must not wrap around to a negative sum and pass.
            if ((long)prompt + output > model.MaxModelLengthTokens)
                throw new UserInputException($"--prompt-tokens {prompt} + --output-tokens {output} exceed the max model length {model.MaxModelLengthTokens} of '{model.Name}'");
            var synthetic = Trace.Repeated($"synthetic-{prompt}x{output}", new TraceRow(prompt, output, null), requests);
            var draw = new WorkloadSpec(requests, ramp is null ? rate ?? 1.0 : null, 1.0, seed, model.MaxModelLengthTokens, burstiness, ramp);
            var built = WorkloadBuilder.Build(synthetic, draw);
            return (built.Workload, synthetic.Name, ClientSpec.Of(draw, concurrency));
        }

        Trace trace;
        if (p.GetValue(o.TraceFile) is { } file)
        {
            var read = TraceFile.Read(file);
            foreach (string note in read.Notes) warn(note);
            trace = read.Trace;
        }
        else trace = TraceCatalog.Load(p.GetValue(o.Trace)!);
        if (trace.OutOfOrderRowsSorted > 0)
            warn($"warning: {trace.Name}: {trace.OutOfOrderRowsSorted} rows had out-of-order timestamps; sorted by time");
        double? effectiveRate = ramp is not null ? null : rate ?? (trace.HasTimestamps ? null : 1.5);
        var spec = new WorkloadSpec(requests, effectiveRate, p.GetValue(o.TimeScale), seed, model.MaxModelLengthTokens, burstiness, ramp);
        var workload = WorkloadBuilder.Build(trace, spec);
        // Refuse before noting the drops, so a refused run prints one line, not a note and an error.
        if (workload.Workload.Requests.Count == 0)
            throw new UserInputException($"{(p.GetValue(o.TraceFile) is null ? "--trace" : "--trace-file")}: none of the {workload.DroppedOverMaxLength} sampled requests of '{trace.Name}' fits the max model length {model.MaxModelLengthTokens} of '{model.Name}'");
        if (workload.DroppedOverMaxLength > 0)
            warn($"note: {workload.DroppedOverMaxLength} sampled requests exceed the max model length {model.MaxModelLengthTokens} and were dropped (as the paper does)");
        return (workload.Workload, trace.Name, ClientSpec.Of(spec, concurrency));
    }

    /// <summary>Validated specs for each policy, sharing one model, device and workload, and the executor that prices them.</summary>
    public static (IReadOnlyList<ExperimentSpec> Specs, ExecutorChoice Executor) Resolve(ServingOptions o, ParseResult p, IReadOnlyList<SchedulingPolicy> policies, Action<string> warn)
    {
        var model = ResolveModel(o, p);
        var device = DeviceCatalog.Resolve(p.GetValue(o.Device)!);
        var (workload, traceName, client) = ResolveWorkload(o, p, model, warn);
        var slo = Slo.Paper(traceName, model, p.GetValue(o.SloTtftMs), p.GetValue(o.SloItlMs));
        string routingName = p.GetValue(o.Routing)!.Trim().ToLowerInvariant();
        if (routingName is not ("uniform" or "sampled"))
            throw new UserInputException($"--routing: unknown routing '{routingName}' (valid: uniform, sampled)");
        var routing = new RoutingSpec(routingName == "sampled", p.GetValue(o.ZipfSkew), p.GetValue(o.Seed));
        routing.Create();
        var executor = ExecutorChoice.Resolve(o, p, workload, model);
        // Real kernels run on one device: tensor parallelism applies to the roofline model only.
        int tp = executor.IsKernels ? 1 : p.GetValue(o.Tp);
        var specs = policies.Select(policy => new ExperimentSpec(model, device, tp, workload, policy, slo, routing,
            p.GetValue(o.MaxSeqs), p.GetValue(o.GpuMemoryUtilization), KvBlocksOverride: executor.KvBlocksOverride, Client: client).Validate()).ToArray();
        return (specs, executor);
    }

    public static IReadOnlyList<SchedulingPolicy> Policies(ServingOptions o, ParseResult p, string policiesText) =>
        PolicyRegistry.ParseList(policiesText, o.Knobs(p));

    /// <summary>Checks --output before any work, so a long run never ends in an unwritable path.</summary>
    public static string? OutputPath(ServingOptions o, ParseResult p) =>
        p.GetValue(o.Output) is { } path ? AtomicFile.EnsureWritable(path, "--output") : null;

    /// <summary>Checks --requests-csv before any work.</summary>
    public static string? RequestsCsvPath(ServingOptions o, ParseResult p) =>
        p.GetValue(o.RequestsCsv) is { } path ? AtomicFile.EnsureWritable(path, "--requests-csv") : null;
}
