using System.Globalization;
using LayeredPrefill.Metrics;
using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Experiments;

/// <summary>
/// Everything a result file says about a run besides its metrics, as plain values: what vLLM's benchmark records (label, model,
/// prompts, rate, burstiness, concurrency, ramp) and the project's own configuration. Built from a spec, or read back from an
/// older result file by <see cref="ResultFileReader"/>, so both write through one writer.
/// </summary>
public sealed record RunHeader(
    string? Date, string Label, string ModelId, string Model, int ModelLayers, string WeightDtype,
    int NumPrompts, double? RequestRate, double? Burstiness, int? MaxConcurrency, string? RampUpStrategy, double? RampUpStartRps, double? RampUpEndRps,
    string ArrivalProcess, double? TimeScale, int? Seed,
    string Policy, string PolicyFamily, int? ChunkBudgetTokens, int? LayerGroups, int? LayeredBudgetTokens,
    string Executor, string ExecutorBackend, string ExecutorDevice, string Device, int TensorParallel, string Workload,
    int? MaxNumSeqs, double? GpuMemoryUtilization, int? KvBlockTokens, long? KvCapacityTokens, int? MaxModelLengthTokens, string Routing,
    double SloTtftMs, double SloItlMs, GoodputObjectives? Goodput, string EnergySource, string SloSource = RunContext.PaperSlo)
{
    /// <summary>vLLM's date format.</summary>
    public const string DateFormat = "yyyyMMdd-HHmmss";

    /// <summary>The header of <paramref name="report"/>, run as <paramref name="context"/> says.</summary>
    public static RunHeader From(RunReport report, RunContext context)
    {
        var s = report.Spec;
        var client = s.Client ?? new ClientSpec(s.Workload.Requests.Count, null, ArrivalProcess: "given");
        var (chunk, groups, layered) = s.Policy switch
        {
            ChunkedPolicy c => ((int?)c.BudgetTokens, (int?)null, (int?)null),
            LayeredPolicy l => (null, l.LayerGroups, (int?)l.BudgetTokens),
            _ => (null, null, null),
        };
        return new RunHeader(
            context.Date?.ToUniversalTime().ToString(DateFormat, CultureInfo.InvariantCulture), context.Label ?? s.Policy.Name,
            ModelCatalog.HubId(s.Model.Name), s.Model.Name, s.Model.Layers, s.Model.WeightDtype.ToString().ToLowerInvariant(),
            client.NumPrompts, client.RequestRate, client.Burstiness, client.MaxConcurrency,
            client.RampUp?.StrategyName, client.RampUp?.StartRps, client.RampUp?.EndRps,
            client.ArrivalProcess, client.ArrivalProcess == "trace" ? client.TimeScale : null, client.Seed,
            s.Policy.Name, s.Policy.Family, chunk, groups, layered,
            context.Executor, context.ExecutorBackend, context.ExecutorDevice, s.Device.Name, s.TensorParallel, s.Workload.Name,
            s.MaxSequences, s.GpuMemoryUtilization, s.KvBlockTokens, report.KvCapacityTokens,
            s.MaxModelLengthTokens == int.MaxValue ? s.Model.MaxModelLengthTokens : s.MaxModelLengthTokens, s.Routing.Name,
            s.Slo.TtftSeconds * 1000, s.Slo.ItlSeconds * 1000, context.Goodput, context.EnergySource, context.SloSource);
    }
}
