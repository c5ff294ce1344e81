using System.Globalization;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Sweeps;

/// <summary>One block of a sweep grid: every model × trace × rate here is crossed with the sweep's policies.</summary>
/// <param name="Requests">Requests per point for this block; null takes the sweep's rule (fixed count or rate × duration).</param>
/// <param name="MaxModelLengthTokens">The server's max model length for this block; null takes each model's (32768 for the paper's).</param>
public sealed record SweepGrid(IReadOnlyList<string> Models, IReadOnlyList<string> Traces, IReadOnlyList<double> Rates, int? Requests = null,
    int? MaxModelLengthTokens = null);

/// <summary>
/// A sweep: policies (with their knobs) × grids of models, traces and Poisson rates, on one device and TP degree.
/// Requests per point are either fixed or rate × <see cref="DurationSeconds"/> (the paper's 600 s per rate point).
/// </summary>
/// <param name="SloTtftMs">TTFT bound; null takes the paper's per trace (10 s arXiv, 5 s ShareGPT).</param>
/// <param name="SloItlMs">Inter-token bound; null takes the paper's per model (125 ms Qwen3, 100 ms GPT-OSS).</param>
/// <param name="Seeds">Seeds per point: Seed, Seed + 1, … (each a different sample of rows and arrivals; reports average them and show their spread).</param>
/// <param name="RejectedMeetSlo">Count requests the server refused (over the max model length) as meeting the SLO, as the paper's scripts do.</param>
public sealed record SweepDefinition(
    string Name,
    IReadOnlyList<string> Policies,
    IReadOnlyList<SweepGrid> Grids,
    int? RequestsPerPoint = 200,
    double? DurationSeconds = null,
    string Device = "h100-sxm",
    int TensorParallel = 2,
    int Seed = 0,
    double? SloTtftMs = null,
    double? SloItlMs = null,
    int LayeredBudgetTokens = LayeredPolicy.DefaultBudgetTokens,
    bool RejectedMeetSlo = false,
    int Seeds = 1,
    double? CapacityTarget = null)
{
    /// <summary>The attainment a policy must reach at a rate for the rate to be within its capacity (REFERENCE: ≥ 90%).</summary>
    public const double DefaultCapacityTarget = 0.9;

    /// <summary>The README's main job: Qwen3-30B-A3B on the arXiv long sample, chunk budgets 256–2048, layered adaptive and prefill-first.</summary>
    public static SweepDefinition Default { get; } = new(
        "default",
        ["chunked-256", "chunked-512", "chunked-1024", "chunked-2048", "layered-adaptive", "prefill-first"],
        [new SweepGrid(["qwen3-30b-a3b"], ["arxiv-long"], [1.5, 2.5, 3.5])],
        RequestsPerPoint: 200, CapacityTarget: DefaultCapacityTarget);

    /// <summary>Requests one point may serve (the same bound as `run`).</summary>
    public const int MaxRequests = Workloads.WorkloadBuilder.MaxRequests;

    /// <summary>Points one sweep may have, even with --yes (each point's identity is computed before the first one runs).</summary>
    public const long MaxPoints = 1_000_000;

    /// <summary>The number of points before duplicates shared by two grids are dropped, counted without listing them.</summary>
    public long PointCountBound => Grids.Sum(g => (long)g.Models.Count * g.Traces.Count * g.Rates.Count) * Policies.Count * Seeds;

    /// <summary>Requests summed over every point, counted without listing them.</summary>
    public double RequestCountBound => Grids.Sum(g => (double)g.Models.Count * g.Traces.Count * g.Rates.Sum(r => (double)RequestsFor(g, r))) * Policies.Count * Seeds;

    /// <summary>Refuses a definition no sweep can run, naming <paramref name="where"/> (a file or the options) and the field.</summary>
    public SweepDefinition Validate(string where)
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || Name.StartsWith('.'))
            throw new UserInputException($"{where}: name '{Name}' must be letters, digits, '-', '_' or '.' (it names a folder)");
        if (Policies.Count == 0) throw new UserInputException($"{where}: policies is empty");
        var parsed = ParsedPolicies(where);
        var dup = parsed.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new UserInputException($"{where}: policies lists '{dup.Key}' twice");
        if (Grids.Count == 0) throw new UserInputException($"{where}: no grid (models, traces and rates) given");
        foreach (var g in Grids)
        {
            if (g.Models.Count == 0) throw new UserInputException($"{where}: models is empty");
            if (g.Traces.Count == 0) throw new UserInputException($"{where}: traces is empty");
            if (g.Rates.Count == 0) throw new UserInputException($"{where}: rates is empty");
            foreach (double r in g.Rates)
                if (!(double.IsFinite(r) && r > 0)) throw new UserInputException($"{where}: rates must be finite and > 0 req/s (got {Format(r)})");
            if (g.Requests is { } n && n is <= 0 or > MaxRequests) throw new UserInputException($"{where}: requests must be in [1, {MaxRequests}] (got {n})");
            if (g.MaxModelLengthTokens is { } len && len <= 0) throw new UserInputException($"{where}: max_model_len must be > 0 tokens (got {len})");
        }
        if (RequestsPerPoint is { } count && count is <= 0 or > MaxRequests) throw new UserInputException($"{where}: requests must be in [1, {MaxRequests}] (got {count})");
        if (DurationSeconds is { } d && !(double.IsFinite(d) && d > 0 && d <= Workloads.WorkloadBuilder.MaxArrivalSpanSeconds))
            throw new UserInputException($"{where}: duration_s must be in (0, 1e9] seconds, the span the simulated clock resolves (got {Format(d)})");
        // rate × duration_s is a request count too: bound it before a point tries to build billions of requests.
        if (DurationSeconds is { } seconds)
            foreach (var g in Grids.Where(g => g.Requests is null && RequestsPerPoint is null))
                foreach (double r in g.Rates)
                    if (r * seconds > MaxRequests)
                        throw new UserInputException($"{where}: duration_s {Format(seconds)} at {Format(r)} req/s means {r * seconds:G3} requests per point, more than {MaxRequests:N0}; shorten duration_s");
        if (RequestsPerPoint is null && DurationSeconds is null && Grids.Any(g => g.Requests is null))
            throw new UserInputException($"{where}: give requests or duration_s");
        if (TensorParallel <= 0) throw new UserInputException($"{where}: tp must be > 0 (got {TensorParallel})");
        if (Seeds is <= 0 or > 1000) throw new UserInputException($"{where}: seeds must be in [1, 1000] (got {Seeds})");
        if ((long)Seed + Seeds - 1 > int.MaxValue) throw new UserInputException($"{where}: seed {Seed} + seeds {Seeds} overflows");
        if (PointCountBound > MaxPoints)
            throw new UserInputException($"{where}: {PointCountBound:N0} points, more than the {MaxPoints:N0} a sweep may have; split it into several sweeps");
        if (LayeredBudgetTokens <= 0) throw new UserInputException($"{where}: layered_budget must be > 0 (got {LayeredBudgetTokens})");
        if (SloTtftMs is { } t && !(double.IsFinite(t) && t > 0)) throw new UserInputException($"{where}: slo_ttft_ms must be > 0 (got {Format(t)})");
        if (SloItlMs is { } i && !(double.IsFinite(i) && i > 0)) throw new UserInputException($"{where}: slo_itl_ms must be > 0 (got {Format(i)})");
        if (CapacityTarget is { } c && !(c > 0 && c <= 1)) throw new UserInputException($"{where}: capacity_target must be in (0, 1] (got {Format(c)})");
        return this;
    }

    /// <summary>The policies, parsed; layered_budget is every layered policy's budget (a name's -b suffix must agree with it).</summary>
    /// <remarks>A bad name is a user error naming <paramref name="where"/> and the definition's fields.</remarks>
    public IReadOnlyList<SchedulingPolicy> ParsedPolicies(string where = "policies")
    {
        try
        {
            return Policies.Select(p => PolicyRegistry.Parse(p, new PolicyKnobs(LayeredBudgetTokens: LayeredBudgetTokens))).ToArray();
        }
        catch (UserInputException e)
        {
            throw new UserInputException($"{where}: {e.Message.Replace("--policies: ", "policies: ", StringComparison.Ordinal).Replace("--layered-budget", "layered_budget", StringComparison.Ordinal)}");
        }
    }

    /// <summary>Requests a point at <paramref name="rate"/> serves under this definition.</summary>
    public int RequestsFor(SweepGrid grid, double rate) =>
        grid.Requests ?? RequestsPerPoint ?? (int)Math.Clamp(Math.Round(rate * DurationSeconds!.Value), 1, MaxRequests);

    /// <summary>The seeds every point runs with.</summary>
    public IEnumerable<int> SeedList => Enumerable.Range(Seed, Seeds);

    /// <summary>Every point, grid by grid, in model, trace, rate, policy, seed order (a point shared by two grids appears once).</summary>
    public IReadOnlyList<SweepPoint> Points()
    {
        var policies = ParsedPolicies();
        var points = new List<SweepPoint>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in Grids)
            foreach (string model in g.Models)
                foreach (string trace in g.Traces)
                    foreach (double rate in g.Rates)
                        foreach (var policy in policies)
                            foreach (int seed in SeedList)
                            {
                                var point = new SweepPoint(model, trace, policy, rate, RequestsFor(g, rate), seed, g.MaxModelLengthTokens);
                                if (seen.Add(point.ExactName)) points.Add(point);
                            }
        return points;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
