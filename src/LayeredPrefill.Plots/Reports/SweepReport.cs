using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Experiments;
using LayeredPrefill.Reporting.Reports;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Sweeps;

namespace LayeredPrefill.Plots.Reports;

/// <summary>Builds a sweep's report: configuration, generated summary, per-setting plots and tables, traffic and energy bars, the chunk-size study and the per-request figures.</summary>
public static class SweepReport
{
    /// <summary>Writes results/reports/&lt;name&gt;/report.md, report.html and plots/ from the finished points in <paramref name="store"/>.</summary>
    public static (string Markdown, string Html) Write(SweepDefinition definition, SweepStore store, string reportsRoot, CancellationToken cancel = default,
        Action<ReportDocument, IReadOnlyList<PointResult>, string>? prelude = null, Func<string, string, IReadOnlyList<ReferenceCurve>?>? references = null)
    {
        var capacities = CapacityFile.Read(store);
        var points = store.Load(definition.Points().Concat(CapacityFile.ProbePoints(definition, store)).DistinctBy(p => p.Key));
        if (points.Count == 0) throw new UserInputException($"--name: sweep '{definition.Name}' has no finished points under {store.PointsFolder}");
        string folder = Path.Combine(reportsRoot, definition.Name);
        string plots = Path.Combine(folder, "plots");
        var doc = new ReportDocument();
        doc.H(1, $"Sweep report: {definition.Name}");
        prelude?.Invoke(doc, points, plots);
        Configuration(doc, definition, points);
        Settings(doc, definition, points, plots, references, capacities);
        Bars(doc, definition, points, plots);
        ChunkSize(doc, definition, plots);
        PerRequest(doc, definition, points, plots, cancel);
        return ReportRenderer.Write(doc, folder, $"Sweep report: {definition.Name}");
    }

    private static IEnumerable<(string Model, string Trace)> SettingsOf(IReadOnlyList<PointResult> points) =>
        points.Select(p => (p.Model, p.Trace)).Distinct();

    // The middle rate of a setting, where the Pareto plot and the bars are drawn. The capacity search's probes sit at rates of
    // their own, so the middle is taken over the grid's rates (where every policy was run) when the setting has points there.
    private static double MiddleRate(SweepDefinition d, IEnumerable<PointResult> points)
    {
        var gridRates = d.Grids.SelectMany(g => g.Rates).ToHashSet();
        var onGrid = points.Where(p => gridRates.Contains(p.RatePerSecond)).ToArray();
        var rates = (onGrid.Length > 0 ? onGrid : points).Select(p => p.RatePerSecond).Distinct().Order().ToArray();
        return rates[rates.Length / 2];
    }

    private static void Configuration(ReportDocument doc, SweepDefinition d, IReadOnlyList<PointResult> points)
    {
        doc.H(2, "Configuration");
        string requests = d.RequestsPerPoint is { } n ? $"{n} per point" : $"rate × {Fmt.N(d.DurationSeconds ?? 0, "0")} s per point";
        doc.Add(new Bullets(
        [
            $"Policies: {string.Join(", ", d.Policies)} (layered budget {d.LayeredBudgetTokens} tokens)",
            $"Settings: {string.Join("; ", d.Grids.Select(g => $"{string.Join("/", g.Models)} × {string.Join("/", g.Traces)} at {string.Join(", ", g.Rates.Select(Fmt.Rate))} req/s" + (g.Requests is { } r ? $" ({r} requests)" : "")))}",
            $"Requests: {requests}; Poisson arrivals, {(d.Seeds > 1 ? $"seeds {d.Seed}–{d.Seed + d.Seeds - 1}" : $"seed {d.Seed}")}",
            $"Device: {d.Device} × TP {d.TensorParallel}, roofline executor, uniform routing",
            $"SLO: TTFT ≤ {(d.SloTtftMs is { } t ? Fmt.N(t, "0") + " ms" : "10 s (arXiv) / 5 s (ShareGPT)")} and every inter-token gap ≤ {(d.SloItlMs is { } i ? Fmt.N(i, "0") + " ms" : "125 ms (Qwen3) / 100 ms (GPT-OSS)")}",
            $"Finished points: {points.Count} of {d.Points().Count}",
        ]));
    }

    private static void Settings(ReportDocument doc, SweepDefinition d, IReadOnlyList<PointResult> points, string plots,
        Func<string, string, IReadOnlyList<ReferenceCurve>?>? references, IReadOnlyList<CapacityResult> capacities)
    {
        foreach (var (model, trace) in SettingsOf(points))
        {
            var allSeeds = points.Where(p => p.Model == model && p.Trace == trace && !IsSideRun(d, p)).ToArray();
            // Tables, summaries and the Pareto plot show the first seed; the SLO curve averages the seeds and shades their range.
            var here = allSeeds.Where(p => p.Seed == d.Seed).ToArray();
            if (here.Length == 0) continue;
            string stem = Stem(model, trace);
            doc.H(2, $"{model} on {trace}");
            doc.H(3, "Who wins where");
            doc.Add(new Bullets(SweepSummary.For(here, d.Policies)));
            var searched = capacities.Where(c => c.Model == model && c.Trace == trace).ToArray();
            if (searched.Length > 0)
            {
                doc.P($"Capacity, searched: the highest rate at which at least {Fmt.N(searched[0].Target * 100, "0")}% of requests meet the SLO, found by bracketing " +
                    "and bisecting the rate (each probe one run of the first seed; its points are in the table and the plot below).");
                doc.Add(new Table(["policy", "capacity (req/s)", "first rate that misses (req/s)", "rates probed"],
                    searched.Select(c => (IReadOnlyList<string>)
                    [
                        c.Policy, c.CapacityRps is { } v ? Fmt.Rate(v) : "none", c.FirstMissRps is { } m ? Fmt.Rate(m) : "none tried",
                        c.Probes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ]).ToArray()));
            }
            if (here.Select(p => p.RatePerSecond).Distinct().Count() > 1)
                doc.Add(new Figure(SloAttainmentPlot.Render(SeedSpread.Of(allSeeds), d.Policies, $"SLO attainment vs rate — {model}, {trace}", plots, $"slo-{stem}", references?.Invoke(model, trace))));
            double mid = MiddleRate(d, here);
            doc.Add(new Figure(ParetoPlot.Render(here.Where(p => p.RatePerSecond == mid).ToArray(),
                $"TTFT vs p99 ITL at {Fmt.Rate(mid)} req/s — {model}, {trace}", plots, $"pareto-{stem}")));
            doc.Add(Table(here));
        }
    }

    // A grid with its own request count (e.g. the paper's 100-prompt vLLM comparison) is reported apart from the rate sweep.
    private static bool IsSideRun(SweepDefinition d, PointResult p)
    {
        bool Holds(SweepGrid g) => g.Models.Contains(p.Model) && g.Traces.Contains(p.Trace) && g.Rates.Contains(p.RatePerSecond);
        bool inSide = d.Grids.Any(g => g.Requests == p.Requests && Holds(g));
        bool inMain = d.Grids.Any(g => g.Requests is null && Holds(g) && d.RequestsFor(g, p.RatePerSecond) == p.Requests);
        return inSide && !inMain;
    }

    /// <summary>The per-point table: TTFT mean/p99, ITL p99 and max (the largest gap, which is what a strict-SLO miss is made of), E2E mean, SLO %, expert GB/token, J/token.</summary>
    public static Table Table(IEnumerable<PointResult> points) => new(
        ["policy", "rate (req/s)", "requests", "TTFT mean (ms)", "TTFT p99 (ms)", "ITL p99 (ms)", "ITL max (ms)", "E2E mean (ms)", "SLO (%)", "expert GB/token", "J/token"],
        points.OrderBy(p => p.RatePerSecond).Select(p => (IReadOnlyList<string>)
        [
            p.Policy, Fmt.Rate(p.RatePerSecond), p.Requests.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Fmt.N(p.MeanTtftMs, "0"), Fmt.N(p.P99TtftMs, "0"), Fmt.N(p.P99ItlMs, "0.0"), Fmt.N(p.MaxItlMs, "0.0"), Fmt.N(p.MeanE2elMs, "0"),
            Fmt.Pct(p.SloAttainment), Fmt.N(p.ExpertBytesPerToken / 1e9, "0.000"), Fmt.N(p.EnergyPerTokenJoules, "0.0000"),
        ]).ToArray());

    private static void Bars(ReportDocument doc, SweepDefinition d, IReadOnlyList<PointResult> points, string plots)
    {
        doc.H(2, "Expert traffic and energy per token");
        var groups = SettingsOf(points).Select(s => points.Where(p => p.Model == s.Model && p.Trace == s.Trace && !IsSideRun(d, p) && p.Seed == d.Seed).ToArray())
            .Where(g => g.Length > 0).ToArray();
        doc.P("Per policy, model and trace, at each setting's middle swept rate. Tokens = prompt + generated tokens.");
        BarGroup Group(PointResult[] g, Func<PointResult, double> value)
        {
            double mid = MiddleRate(d, g);
            return new BarGroup($"{g[0].Model} / {g[0].Trace} @ {Fmt.Rate(mid)}",
                d.Policies.Select(pol => g.Where(p => p.Policy == pol && p.RatePerSecond == mid).Select(value).DefaultIfEmpty(double.NaN).First()).ToArray());
        }
        doc.Add(new Figure(GroupedBarPlot.Render(groups.Select(g => Group(g, p => p.ExpertBytesPerToken / 1e9)).ToArray(), d.Policies,
            "Expert weight traffic per token", "model / trace @ rate (req/s)", "expert GB per token", plots, "expert-gb-per-token", valueFormat: "0.000")));
        doc.Add(new Figure(GroupedBarPlot.Render(groups.Select(g => Group(g, p => p.EnergyPerTokenJoules)).ToArray(), d.Policies,
            "Energy per token", "model / trace @ rate (req/s)", "J per token", plots, "energy-per-token", valueFormat: "0.000")));
    }

    private static void ChunkSize(ReportDocument doc, SweepDefinition d, string plots)
    {
        var model = Models.ModelCatalog.Get("qwen3-30b-a3b");
        var device = DeviceCatalog.Resolve(d.Device, "device");
        var rows = ChunkSizeStudy.Run(model, device, 2, 8192, ChunkSizeStudy.PaperChunks);
        doc.H(2, "Chunk size: one 8192-token prompt, Qwen3-30B-A3B, TP 2");
        doc.P($"Each chunk runs through all 48 layers and re-streams the experts it routes to; roofline executor on {device.Name}, " +
            "MoE time and expert bytes summed over layers and chunks (bytes over both GPUs). Paper: the authors' measurements on 2× H100.");
        var paper = PaperReference.ChunkSize.ToDictionary(r => r.ChunkTokens);
        var breakdown = PaperReference.ChunkBreakdown.ToDictionary(b => b.ChunkTokens);
        string Paper(int chunk, Func<PaperChunkBreakdown, double> value) => breakdown.TryGetValue(chunk, out var b) ? Fmt.N(value(b), "0.0") : "–";
        doc.Add(new Table(["chunk", "chunks", "expert GB (sim)", "expert GB (paper)", "MoE ms (sim)", "MoE ms (paper)", "MoE error",
                "attention ms (sim)", "attention ms (paper)", "other ms (sim)", "other ms (paper)", "prefill ms (sim)"],
            rows.Select(r =>
            {
                var p = paper.GetValueOrDefault(r.ChunkTokens);
                double other = r.TotalSeconds - r.MoeSeconds - r.AttentionSeconds;
                return (IReadOnlyList<string>)
                [
                    r.ChunkTokens.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Chunks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Fmt.N(r.ExpertWeightBytes / 1e9, "0.0"), p is not null ? Fmt.N(p.MoeWeightLoadGb, "0.0") : "–",
                    Fmt.N(r.MoeSeconds * 1000, "0.0"), p is not null ? Fmt.N(p.MoeKernelMs, "0.00") : "–",
                    p is not null ? Fmt.N(Math.Round((r.MoeSeconds * 1000 / p.MoeKernelMs - 1) * 100, 1) + 0.0, "+0.0;-0.0;0.0") + "%" : "–",
                    Fmt.N(r.AttentionSeconds * 1000, "0.0"), Paper(r.ChunkTokens, b => b.AttentionMs),
                    Fmt.N(other * 1000, "0.0"), Paper(r.ChunkTokens, b => b.OtherMs), Fmt.N(r.TotalSeconds * 1000, "0.0"),
                ];
            }).ToArray()));
        doc.P("Expert GB: the simulation routes uniformly, so every 512-token chunk loads all 128 experts of a layer; the paper's counts " +
            "imply about 105 (its router is skewed within a document). Attention and other (REFERENCE.md §7, one nsys profile): the paper's " +
            "\"other\" is the rest of the span from the prompt's first to its last attention kernel, so it holds the gaps between iterations; " +
            "the simulation's holds every iteration's host overhead.");
        foreach (var image in ChunkSizePlot.Render(rows, "Qwen3-30B-A3B, 8192-token prompt, TP 2", plots)) doc.Add(new Figure(image));
    }

    private static void PerRequest(ReportDocument doc, SweepDefinition d, IReadOnlyList<PointResult> points, string plots, CancellationToken cancel)
    {
        var first = points[0];
        double rate = MiddleRate(d, points.Where(p => p.Model == first.Model && p.Trace == first.Trace));
        var (images, description) = Showcase.Render(d, first.Model, first.Trace, rate, d.ParsedPolicies(), plots, cancel);
        doc.H(2, "One request through time");
        doc.P(description);
        foreach (var image in images) doc.Add(new Figure(image));
    }

    private static string Stem(string model, string trace) => new SweepPoint(model, trace, PrefillFirstPolicy.Instance, 1, 1, 0).Key.Split("_prefill-first")[0];
}
