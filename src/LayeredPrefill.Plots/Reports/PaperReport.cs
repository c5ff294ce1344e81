using LayeredPrefill.Experiments;
using LayeredPrefill.Reporting.Reports;
using LayeredPrefill.Sweeps;

namespace LayeredPrefill.Plots.Reports;

/// <summary>The paper's experiments as a sweep (REFERENCE.md §1) and the report that sets our numbers beside the paper's.</summary>
public static class PaperReport
{
    /// <summary>Policies the paper compares: vLLM-style chunked prefill at 512 tokens and layered prefill with the adaptive G ladder, budget 8192.</summary>
    public static readonly IReadOnlyList<string> Policies = ["chunked-512", "layered-adaptive"];

    /// <summary>The device the paper's numbers are reproduced on by default (see <see cref="Execution.Roofline.DeviceCatalog.H100PaperEngine"/>).</summary>
    public const string DefaultDevice = "h100-paper-engine";

    /// <summary>Both models × both traces at the paper's rates, rate × <paramref name="durationSeconds"/> requests per point, plus the 100-prompt vLLM comparison.</summary>
    /// <remarks>
    /// The default device is h100-paper-engine (h100-sxm with every rate scaled to the paper's measured
    /// vLLM decode step); other devices get their own sweep, named paper-&lt;device&gt;.
    /// </remarks>
    public static SweepDefinition Definition(double durationSeconds = 600, int seed = 0, string device = DefaultDevice, int seeds = 1)
    {
        var grids = PaperReference.Settings.Select(s => new SweepGrid([s.Model], [s.Trace], s.Rates)).ToList();
        grids.Add(new SweepGrid([PaperReference.VllmModel], [PaperReference.VllmTrace], [PaperReference.VllmRate], PaperReference.VllmPrompts, PaperReference.VllmMaxModelLengthTokens));
        string name = device == DefaultDevice ? "paper" : $"paper-{System.IO.Path.GetFileNameWithoutExtension(device)}";
        return new SweepDefinition(name, Policies, grids, RequestsPerPoint: null, DurationSeconds: durationSeconds,
            Device: device, TensorParallel: 2, Seed: seed, RejectedMeetSlo: true, Seeds: seeds).Validate("paper");
    }

    /// <summary>Writes results/reports/paper/ from the finished points.</summary>
    public static (string Markdown, string Html) Write(SweepDefinition definition, SweepStore store, string reportsRoot, CancellationToken cancel = default) =>
        SweepReport.Write(definition, store, reportsRoot, cancel, (doc, points, _) => Prelude(doc, definition, points), References);

    /// <summary>The paper's curves for one setting, drawn dashed beside ours.</summary>
    public static IReadOnlyList<ReferenceCurve>? References(string model, string trace)
    {
        var s = PaperReference.Settings.FirstOrDefault(x => x.Model == model && x.Trace == trace);
        return s is null ? null :
        [
            new ReferenceCurve("chunked-512 (paper)", "chunked-512", s.Rates, s.ChunkedPercent),
            new ReferenceCurve("layered (paper)", "layered-adaptive", s.Rates, s.LayeredPercent),
        ];
    }

    // The vLLM comparison's points, for the per-seed points and their spreads alike.
    private static bool IsVllmPoint(string model, string trace, double ratePerSecond, int requests) =>
        model == PaperReference.VllmModel && trace == PaperReference.VllmTrace && ratePerSecond == PaperReference.VllmRate && requests == PaperReference.VllmPrompts;

    private static void Prelude(ReportDocument doc, SweepDefinition d, IReadOnlyList<PointResult> points)
    {
        var spreads = SeedSpread.Of(points);
        string seeds = d.Seeds > 1 ? $"seeds {d.Seed}–{d.Seed + d.Seeds - 1} (mean ± standard deviation over seeds, [lowest, highest])" : $"seed {d.Seed}";
        doc.H(2, "SLO attainment: simulation beside the paper");
        doc.P($"Paper: {PaperReference.Source}. Simulation: roofline model of {d.Device} × TP {d.TensorParallel}, Poisson arrivals (one set of gaps " +
            $"rescaled across rates), {(d.DurationSeconds is { } seconds ? $"rate × {Fmt.N(seconds, "0")} s requests per point" : $"{d.RequestsPerPoint} requests per point")}, {seeds}; " +
            "SLO per request: TTFT ≤ 10 s (arXiv) / 5 s (ShareGPT) and every gap ≤ 125 ms (Qwen3) / 100 ms (GPT-OSS); requests over the 32768-token " +
            "max model length are refused and, as in the paper's scripts, count as meeting the SLO.");
        var rows = new List<IReadOnlyList<string>>();
        var errors = new Dictionary<string, List<double>> { ["chunked-512"] = [], ["layered-adaptive"] = [] };
        foreach (var s in PaperReference.Settings)
            for (int i = 0; i < s.Rates.Count; i++)
            {
                int n = d.RequestsFor(new SweepGrid([], [], []), s.Rates[i]);
                var at = spreads.Where(p => p.Model == s.Model && p.Trace == s.Trace && p.RatePerSecond == s.Rates[i] && p.Requests == n).ToArray();
                string Ours(string policy, double paper)
                {
                    if (at.FirstOrDefault(p => p.Policy == policy) is not { } p) return "–";
                    errors[policy].Add(p.MeanAttainment * 100 - paper);
                    string text = Fmt.Pct(p.MeanAttainment);
                    if (p.Seeds > 1) text += $" ± {Fmt.N(p.AttainmentStd * 100, "0.0")} [{Fmt.N(p.MinAttainment * 100, "0")}, {Fmt.N(p.MaxAttainment * 100, "0")}]";
                    return text;
                }
                string Error(string policy, double paper) =>
                    at.FirstOrDefault(p => p.Policy == policy) is { } p ? Fmt.N(p.MeanAttainment * 100 - paper, "+0.0;-0.0") : "–";
                rows.Add([s.Label, Fmt.Rate(s.Rates[i]),
                    Fmt.N(s.ChunkedPercent[i], "0"), Ours("chunked-512", s.ChunkedPercent[i]), Error("chunked-512", s.ChunkedPercent[i]),
                    Fmt.N(s.LayeredPercent[i], "0"), Ours("layered-adaptive", s.LayeredPercent[i]), Error("layered-adaptive", s.LayeredPercent[i])]);
            }
        doc.Add(new Table(["setting", "rate (req/s)", "chunked-512 paper (%)", "chunked-512 sim (%)", "error", "layered paper (%)", "layered sim (%)", "error"], rows));
        var all = errors.Values.SelectMany(e => e).ToArray();
        if (all.Length > 0)
            doc.P($"Points within ±10 of the paper: {all.Count(e => Math.Abs(e) <= 10)} of {all.Length}. Mean absolute error: " +
                string.Join(", ", errors.Where(e => e.Value.Count > 0).Select(e => $"{e.Key} {Fmt.N(e.Value.Average(Math.Abs), "0.0")} points")) + ".");

        doc.H(2, $"Against vLLM: Qwen3-30B-A3B, arXiv, {Fmt.Rate(PaperReference.VllmRate)} req/s, {PaperReference.VllmPrompts} prompts, TP 2, " +
            $"max model length {PaperReference.VllmMaxModelLengthTokens}");
        var vllm = spreads.Where(p => IsVllmPoint(p.Model, p.Trace, p.RatePerSecond, p.Requests)).ToArray();
        double Sim(string policy, string key)
        {
            var p = vllm.FirstOrDefault(x => x.Policy == policy);
            if (p is null) return double.NaN;
            return key switch
            {
                "mean_ttft" => p.MeanTtftMs, "median_ttft" => p.MedianTtftMs, "mean_tpot" => p.MeanTpotMs, "mean_itl" => p.MeanItlMs,
                "p99_itl" => p.P99ItlMs, "mean_e2el" => p.MeanE2elMs, "p99_e2el" => p.P99E2elMs, _ => double.NaN,
            };
        }
        doc.P("The paper's chunked column is vLLM 0.10.2, its layered column the authors' engine; both servers ran with --max-model-len 16384, " +
            "so prompts over it are refused and left out of these latencies, as vLLM's benchmark leaves failed requests out.");
        string Ratio(double sim, double paper) => double.IsFinite(sim) ? $"{Fmt.N(sim, "0.00")} ({Fmt.N((sim / paper - 1) * 100, "+0;-0")}%)" : "–";
        doc.Add(new Table(["metric (ms)", "vLLM 0.10.2 (paper)", "chunked-512 (sim)", "layered (paper)", "layered (sim)", "paper change", "sim change"],
            PaperReference.Vllm.Select(m =>
            {
                double c = Sim("chunked-512", m.Key), l = Sim("layered-adaptive", m.Key);
                return (IReadOnlyList<string>)
                [
                    m.Name, Fmt.N(m.VllmMs, "0.00"), Ratio(c, m.VllmMs), Fmt.N(m.LayeredMs, "0.00"), Ratio(l, m.LayeredMs),
                    Fmt.N((m.LayeredMs / m.VllmMs - 1) * 100, "+0;-0") + "%", Fmt.N((l / c - 1) * 100, "+0;-0") + "%",
                ];
            }).ToArray()));
        // The comparison's prompts are a small sample: say how far the seeds' own means spread, so a miss inside that spread reads as one.
        var vllmPoints = points.Where(p => IsVllmPoint(p.Model, p.Trace, p.RatePerSecond, p.Requests)).ToArray();
        if (vllmPoints.Select(p => p.Seed).Distinct().Count() > 1)
        {
            string Range(string policy, Func<PointResult, double> metric)
            {
                var v = vllmPoints.Where(p => p.Policy == policy).Select(metric).ToArray();
                return v.Length == 0 ? "–" : $"{Fmt.N(v.Min(), "0.0")}–{Fmt.N(v.Max(), "0.0")}";
            }
            doc.P($"Spread of the seeds' own means ({PaperReference.VllmPrompts} prompts each): mean TTFT {Range("chunked-512", p => p.MeanTtftMs)} ms chunked, " +
                $"{Range("layered-adaptive", p => p.MeanTtftMs)} ms layered; mean TPOT {Range("chunked-512", p => p.MeanTpotMs)} ms chunked, " +
                $"{Range("layered-adaptive", p => p.MeanTpotMs)} ms layered.");
        }

        doc.H(2, "What drives each knee");
        foreach (var s in PaperReference.Settings)
        {
            double SimCapacity(string policy) => s.Rates.Where(r => spreads.Any(p => p.Model == s.Model && p.Trace == s.Trace && p.RatePerSecond == r
                && p.Requests == d.RequestsFor(new SweepGrid([], [], []), r) && p.Policy == policy && p.MeanAttainment >= 0.9)).DefaultIfEmpty(double.NaN).Max();
            double PaperCapacity(IReadOnlyList<double> percent) => s.Rates.Where((r, i) => percent[i] >= 90).DefaultIfEmpty(double.NaN).Max();
            doc.P($"{s.Label}: highest rate with ≥ 90% attainment — chunked-512 paper {Fmt.Rate(PaperCapacity(s.ChunkedPercent))}, " +
                $"sim {Fmt.Rate(SimCapacity("chunked-512"))}; layered paper {Fmt.Rate(PaperCapacity(s.LayeredPercent))}, sim {Fmt.Rate(SimCapacity("layered-adaptive"))} req/s. " +
                PaperReference.KneeDrivers.GetValueOrDefault(s.Label, ""));
        }
    }
}
