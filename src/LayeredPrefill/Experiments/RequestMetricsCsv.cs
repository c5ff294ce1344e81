using System.Globalization;
using System.Text;
using LayeredPrefill.Serving;

namespace LayeredPrefill.Experiments;

/// <summary>
/// One row per request in Vidur's request_metrics.csv column names (seconds), led by the columns of Vidur's trace layout
/// (arrived_at, num_prefill_tokens, num_decode_tokens), so the file replays as a workload here (--trace-file) and in Vidur.
/// Execution time is the time of the iterations the request ran in; the simulator prices whole iterations, so the model
/// execution time equals it. A refused or unfinished request has empty time cells.
/// </summary>
public static class RequestMetricsCsv
{
    /// <summary>The columns, in order.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "Request Id", "arrived_at", "num_prefill_tokens", "num_decode_tokens",
        "request_e2e_time", "request_e2e_time_normalized", "request_execution_time", "request_execution_time_normalized",
        "request_model_execution_time", "request_model_execution_time_normalized", "request_preemption_time", "request_scheduling_delay",
        "request_execution_plus_preemption_time", "request_execution_plus_preemption_time_normalized",
        "prefill_e2e_time", "prefill_time_execution_plus_preemption", "prefill_time_execution_plus_preemption_normalized",
        "decode_time_execution_plus_preemption_normalized",
        "request_inter_arrival_delay", "request_num_tokens", "request_num_prefill_tokens", "request_num_decode_tokens", "request_pd_ratio", "request_num_restarts",
    ];

    /// <summary>The CSV of <paramref name="run"/>'s requests, in arrival order.</summary>
    public static string Write(RunResult run)
    {
        var sb = new StringBuilder(string.Join(',', Columns.Select(FlatCsv.Quote))).Append('\n');
        double previous = double.NaN;
        foreach (var r in run.Requests.OrderBy(r => r.ArrivalSeconds).ThenBy(r => r.RequestId))
        {
            double decode = r.OutputTokens, prefill = r.PromptTokens;
            double nan = double.NaN;
            bool done = r.Completed && r.FirstScheduledSeconds.HasValue && r.FirstTokenSeconds.HasValue;
            double e2e = done ? r.FinishSeconds!.Value - r.ArrivalSeconds : nan;
            double exec = done ? r.ExecutionSeconds : nan;
            double scheduled = done ? r.FirstScheduledSeconds!.Value : nan;
            double execPlusPreempt = done ? r.FinishSeconds!.Value - scheduled : nan;
            double firstToken = done ? r.FirstTokenSeconds!.Value : nan;
            double[] cells =
            [
                e2e, e2e / decode, exec, exec / decode, exec, exec / decode, execPlusPreempt - exec, scheduled - r.ArrivalSeconds,
                execPlusPreempt, execPlusPreempt / decode,
                firstToken - r.ArrivalSeconds, firstToken - scheduled, (firstToken - scheduled) / prefill,
                done ? (r.FinishSeconds!.Value - firstToken) / decode : nan,
                double.IsNaN(previous) ? 0 : r.ArrivalSeconds - previous,
            ];
            previous = r.ArrivalSeconds;
            sb.Append(r.RequestId.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(FlatCsv.Number(r.ArrivalSeconds)).Append(',')
              .Append(r.PromptTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(r.OutputTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(string.Join(',', cells.Select(FlatCsv.Number))).Append(',')
              .Append((r.PromptTokens + r.OutputTokens).ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(r.PromptTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(r.OutputTokens.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(FlatCsv.Number(prefill / decode)).Append(',')
              .Append(r.Preemptions.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return sb.ToString();
    }
}
