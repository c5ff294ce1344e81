using LayeredPrefill.Randomness;

namespace LayeredPrefill.Workloads;

/// <summary>Turns a trace into a workload: Poisson arrivals over sampled rows, or the trace's own timestamps replayed.</summary>
public static class WorkloadBuilder
{
    private const long RowStream = 0, GapStream = 1;

    /// <summary>The longest arrival span accepted (about 32 years): a double still resolves 0.1 µs there.</summary>
    public const double MaxArrivalSpanSeconds = 1e9;

    /// <summary>More requests than this would only exhaust memory before the first iteration (each keeps its token times).</summary>
    public const int MaxRequests = 10_000_000;

    /// <summary>Builds the workload <paramref name="spec"/> asks for; ids are 0..n-1 in arrival order.</summary>
    public static BuiltWorkload Build(Trace trace, WorkloadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Requests is <= 0 or > MaxRequests) throw new UserInputException($"--requests must be in [1, {MaxRequests}] (got {spec.Requests})");
        if (spec.RatePerSecond is { } r && !(double.IsFinite(r) && r > 0))
            throw new UserInputException($"--rate must be a finite number > 0 requests per second (got {r})");
        if (!(double.IsFinite(spec.TimeScale) && spec.TimeScale > 0))
            throw new UserInputException($"--time-scale must be a finite number > 0 (got {spec.TimeScale})");
        if (spec.MaxModelLengthTokens <= 0)
            throw new UserInputException($"--max-model-len must be > 0 tokens (got {spec.MaxModelLengthTokens})");
        if (trace.Rows.Count == 0) throw new UserInputException($"trace '{trace.Name}' has no rows");
        if (!(spec.Burstiness > 0) || !double.IsFinite(spec.Burstiness))
            throw new UserInputException($"--burstiness must be a finite number > 0 (got {spec.Burstiness.ToString(System.Globalization.CultureInfo.InvariantCulture)})");

        var (picked, arrivals) = spec.DrawsArrivals ? Poisson(trace, spec) : Replay(trace, spec);
        // The simulator's clock is a double: past ~1e9 s an iteration of a few µs no longer moves it, and every
        // latency would silently come out as zero. Refuse such spans instead of computing nonsense.
        double span = arrivals.Length == 0 ? 0 : arrivals.Max();
        if (!(span <= MaxArrivalSpanSeconds))
            throw new UserInputException(spec.DrawsArrivals
                ? $"--rate {spec.RatePerSecond ?? spec.RampUp!.StartRps}: {arrivals.Length} arrivals would span {span:E2} s, beyond the 1e9 s the simulated clock resolves to the microsecond; raise --rate"
                : $"--time-scale {spec.TimeScale}: the replayed trace would span {span:E2} s, beyond the 1e9 s the simulated clock resolves to the microsecond; raise --time-scale");
        // Dropped requests still arrived (the server refused them), so survivors keep their arrival times.
        var requests = new List<Request>(arrivals.Length);
        int dropped = 0;
        for (int i = 0; i < arrivals.Length; i++)
        {
            var row = trace.Rows[picked[i]];
            if ((long)row.PromptTokens + row.OutputTokens > spec.MaxModelLengthTokens) { dropped++; continue; }
            requests.Add(new Request(requests.Count, arrivals[i], row.PromptTokens, row.OutputTokens));
        }
        return new BuiltWorkload(new Workload(trace.Name, requests), dropped);
    }

    /// <remarks>
    /// Rows and gaps come from two streams of the seed, and the gaps are unit-rate exponentials divided by the rate
    /// (gamma draws of shape B and scale 1 / (rate · B) when the burstiness B is not 1, as vLLM's benchmark draws them),
    /// so for one seed the workloads at several rates share their first rows and their arrival pattern (one set of
    /// draws rescaled, as the paper's benchmark does): a rate sweep then differs only in load, and its curve is not
    /// shuffled by resampling from point to point.
    /// </remarks>
    private static (int[] Rows, double[] Arrivals) Poisson(Trace trace, WorkloadSpec spec)
    {
        // Rows are picked by index and arrivals kept as doubles: 12 bytes per request, whatever the trace holds.
        var random = new SeededRandom(spec.Seed, RowStream);
        var gapRandom = new SeededRandom(spec.Seed, GapStream);
        int count = trace.Rows.Count;
        int n = spec.Requests;
        var picked = new int[n];
        if (n <= count)
        {
            // Partial Fisher–Yates: n distinct rows in random order, touching only n slots of an index array.
            int[] order = new int[count];
            for (int i = 0; i < count; i++) order[i] = i;
            for (int i = 0; i < n; i++)
            {
                int j = random.Next(i, order.Length);
                (order[i], order[j]) = (order[j], order[i]);
                picked[i] = order[i];
            }
        }
        else
        {
            for (int i = 0; i < n; i++) picked[i] = random.Next(count);
        }
        // The first request opens the run at t = 0; later gaps are exponential with mean 1/rate.
        var arrivals = new double[n];
        double clock = 0;
        for (int i = 0; i < n; i++)
        {
            if (i > 0) clock += Gap(gapRandom, spec, spec.RampUp?.RateAt(i, n) ?? spec.RatePerSecond!.Value);
            arrivals[i] = clock;
        }
        return (picked, arrivals);
    }

    // Burstiness 1 is a Poisson process: its gaps take the exponential's one uniform draw each, not a gamma of shape 1 (the same
    // law, but Marsaglia and Tsang's rejection loop takes a varying number of draws), so a Poisson workload's arrivals are a
    // fixed function of the seed's stream, independent of the gamma sampler.
    private static double Gap(SeededRandom random, WorkloadSpec spec, double rate) =>
        spec.Burstiness == 1.0 ? random.Exponential(rate) : random.Gamma(spec.Burstiness, 1.0 / (rate * spec.Burstiness));

    private static (int[] Rows, double[] Arrivals) Replay(Trace trace, WorkloadSpec spec)
    {
        if (!trace.HasTimestamps)
            throw new UserInputException($"--rate is required: trace '{trace.Name}' has no timestamps to replay");
        if (spec.Requests > trace.Rows.Count)
            throw new UserInputException($"--requests {spec.Requests} exceeds the {trace.Rows.Count} rows of trace '{trace.Name}' (pass --rate to sample with replacement)");
        // Trace rows are already in time order (the reader sorts them).
        double t0 = trace.Rows[0].ArrivalSeconds!.Value;
        var rows = new int[spec.Requests];
        var arrivals = new double[spec.Requests];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = i;
            arrivals[i] = (trace.Rows[i].ArrivalSeconds!.Value - t0) / spec.TimeScale;
        }
        return (rows, arrivals);
    }
}
