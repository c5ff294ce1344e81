using System.Diagnostics;
using LayeredPrefill.Execution;
using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Metrics;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Serving;

namespace LayeredPrefill.Experiments;

/// <summary>Runs one <see cref="ExperimentSpec"/>: scheduler + executor + simulator + metrics.</summary>
public static class ExperimentRunner
{
    /// <summary>The roofline executor for a spec (the default).</summary>
    public static IExecutor Roofline(ExperimentSpec spec) =>
        new RooflineExecutor(spec.Model, spec.Device, spec.TensorParallel, spec.Routing.Create());

    /// <summary>Serves the spec's workload under its policy; <paramref name="executorFactory"/> defaults to the roofline model.</summary>
    /// <param name="idlePowerWatts">Power drawn between iterations; null takes the device profile's idle watts × TP (an executor that measures no energy passes 0).</param>
    /// <param name="keepIterationLog">Keep the per-iteration log (for --iteration-log and plots); the metrics need only its sums.</param>
    /// <param name="progress">Called after every iteration of the serving loop.</param>
    public static RunReport Run(ExperimentSpec spec, Func<ExperimentSpec, IExecutor>? executorFactory = null, CancellationToken cancel = default, double? idlePowerWatts = null,
        bool keepIterationLog = true, Action<ServingProgress>? progress = null)
    {
        spec.Validate();
        long blocks = spec.KvBlocks;
        var scheduler = spec.Policy.CreateScheduler(spec.Model, new SchedulerSettings(spec.MaxSequences, blocks, spec.KvBlockTokens, spec.MaxModelLengthTokens));
        using var executor = (executorFactory ?? Roofline)(spec);
        var simulator = new ServingSimulator(scheduler, executor, idlePowerWatts ?? spec.Device.IdleWatts * spec.TensorParallel, keepIterationLog);
        var watch = Stopwatch.StartNew();
        var run = simulator.Run(spec.Workload, cancel, spec.Client?.MaxConcurrency, progress);
        watch.Stop();
        return new RunReport(spec, run, ServingMetrics.From(run, spec.Slo), blocks * spec.KvBlockTokens, watch.Elapsed.TotalSeconds);
    }
}
