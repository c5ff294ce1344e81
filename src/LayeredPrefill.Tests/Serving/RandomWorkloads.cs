using LayeredPrefill.Scheduling;
using LayeredPrefill.Workloads;

namespace LayeredPrefill.Tests.Serving;

/// <summary>Seeded random workloads, policies and limits for invariant tests.</summary>
internal sealed record RandomCase(int Seed, int Layers, Workload Workload, SchedulingPolicy Policy, SchedulerSettings Settings, IReadOnlyList<int> Ladder)
{
    public static RandomCase Draw(int seed)
    {
        var rng = new Random(seed);
        int layers = rng.Next(1, 13);
        int n = rng.Next(1, 25);
        double t = 0;
        var requests = new List<Request>();
        for (int i = 0; i < n; i++)
        {
            t += rng.NextDouble() < 0.3 ? 0 : -Math.Log(1 - rng.NextDouble()) * 0.05;
            requests.Add(new Request(i, t, rng.Next(1, 300), rng.Next(1, 40)));
        }
        SchedulingPolicy policy = rng.Next(3) switch
        {
            0 => new ChunkedPolicy(rng.Next(1, 200)),
            1 => new LayeredPolicy(rng.Next(2) == 0 ? null : rng.Next(1, layers + 1), rng.Next(16, 400)),
            _ => PrefillFirstPolicy.Instance,
        };
        int blockTokens = rng.Next(1, 33);
        int maxContext = requests.Max(r => r.PromptTokens + r.OutputTokens);
        // From "only the largest request fits" (heavy preemption) to "everything fits".
        long minBlocks = (maxContext + blockTokens - 1) / blockTokens;
        long blocks = minBlocks + rng.Next(0, (int)minBlocks * 4 + 1);
        var ladder = Enumerable.Range(0, 5).Select(i => Math.Min(layers, 1 << i)).ToArray();
        return new RandomCase(seed, layers, new Workload($"random-{seed}", requests), policy, new SchedulerSettings(rng.Next(1, 40), blocks, blockTokens), ladder);
    }

    public SchedulerBase CreateScheduler() => Policy switch
    {
        ChunkedPolicy c => new ChunkedPrefillScheduler(Layers, Settings, c.BudgetTokens),
        LayeredPolicy l => new LayeredPrefillScheduler(Layers, Settings, l.LayerGroups, Ladder, l.BudgetTokens),
        _ => new PrefillFirstScheduler(Layers, Settings, 256),
    };
}
