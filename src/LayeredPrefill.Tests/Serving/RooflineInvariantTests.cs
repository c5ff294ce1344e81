using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Experiments;
using LayeredPrefill.Metrics;
using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Serving;

namespace LayeredPrefill.Tests.Serving;

/// <summary>
/// The <see cref="SimulatorInvariantTests"/> invariants again, but priced by the real <see cref="RooflineExecutor"/> on random
/// small MoE shapes, devices, TP degrees and routing models (500 seeded cases per property), plus byte-identical JSON.
/// </summary>
public class RooflineInvariantTests
{
    private const int Cases = 500;

    private sealed record Sim(RandomCase Case, MoeModel Model, int Tp, RunResult Run, RecordingExecutor Executor);

    // The three run-level properties check the same simulations: run each seed once (xunit runs a class's tests one at a time).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Sim> Runs = new();

    private static Sim Simulate(int seed) => Runs.GetOrAdd(seed, Run);

    private static Sim Run(int seed)
    {
        var c = RandomCase.Draw(seed);
        var rng = new Random(seed ^ 0x5EED);
        var model = RandomModels.Draw(rng, c.Layers);
        int tp = RandomModels.TensorParallel(rng, model);
        var executor = new RecordingExecutor(new RooflineExecutor(model, RandomModels.Device(rng), tp, RandomModels.Routing(rng, seed)));
        var run = new ServingSimulator(c.CreateScheduler(), executor, idlePowerWatts: 100).Run(c.Workload);
        return new Sim(c, model, tp, run, executor);
    }

    [Fact]
    public void Conservation_and_sane_costs_through_the_roofline()
    {
        for (int seed = 0; seed < Cases; seed++)
        {
            var s = Simulate(seed);
            double allExperts = (double)s.Model.ExpertBytesPerLayer * s.Model.MoeLayers;
            foreach (var (plan, cost) in s.Executor.Iterations)
            {
                var t = cost.Traffic;
                Assert.True(cost.DurationSeconds > 0 && double.IsFinite(cost.DurationSeconds), $"seed {seed}: duration {cost.DurationSeconds}");
                Assert.True(double.IsFinite(cost.EnergyJoules) && cost.EnergyJoules > 0, $"seed {seed}: energy {cost.EnergyJoules}");
                Assert.True(double.IsFinite(cost.Flops) && cost.Flops > 0, $"seed {seed}: flops {cost.Flops}");
                foreach (double bytes in new[] { t.ExpertWeightBytes, t.DenseWeightBytes, t.KvReadBytes, t.KvWriteBytes, t.ActivationBytes })
                    Assert.True(double.IsFinite(bytes) && bytes >= 0, $"seed {seed}: traffic {t}");
                // The traffic rule's ceiling: no iteration streams more than every expert of every MoE layer once.
                Assert.True(t.ExpertWeightBytes <= allExperts * (1 + 1e-9), $"seed {seed}: {t.ExpertWeightBytes} expert bytes > {allExperts}");
            }
            // One pass over the plans: prompt tokens per request and layer, decode steps per request.
            var perLayer = s.Run.Requests.ToDictionary(r => r.RequestId, _ => new long[s.Case.Layers]);
            var decodes = s.Run.Requests.ToDictionary(r => r.RequestId, _ => 0);
            foreach (var (plan, _) in s.Executor.Iterations)
            {
                foreach (var p in plan.Prefills)
                    for (int layer = p.Layers.Start; layer < p.Layers.End; layer++) perLayer[p.RequestId][layer] += p.TokenCount;
                foreach (var d in plan.Decodes) decodes[d.RequestId]++;
            }
            foreach (var r in s.Run.Requests)
            {
                Assert.True(r.Completed, $"seed {seed}: request {r.RequestId} not completed");
                Assert.Equal(r.OutputTokens, r.TokenTimesSeconds.Count);
                if (r.Preemptions > 0) continue; // recompute legitimately passes positions again
                Assert.All(perLayer[r.RequestId], count => Assert.Equal(r.PromptTokens, count));
                Assert.Equal(r.OutputTokens - 1, decodes[r.RequestId]);
            }
        }
    }

    [Fact]
    public void Stall_free_decoding_under_chunked_and_layered_through_the_roofline()
    {
        int checkedCases = 0;
        for (int seed = 0; checkedCases < Cases; seed++)
        {
            if (RandomCase.Draw(seed).Policy is PrefillFirstPolicy) continue;
            checkedCases++;
            var s = Simulate(seed);
            var ends = s.Run.Iterations.Select(i => i.StartSeconds + i.DurationSeconds).ToArray();
            foreach (var r in s.Run.Requests.Where(r => r.Preemptions == 0 && r.OutputTokens > 1))
            {
                int first = Array.IndexOf(ends, r.TokenTimesSeconds[0]);
                Assert.True(first >= 0, $"seed {seed}");
                Assert.Equal(ends.Skip(first).Take(r.OutputTokens), r.TokenTimesSeconds);
            }
        }
    }

    [Fact]
    public void Kv_capacity_holds_and_preemption_loses_no_request_through_the_roofline()
    {
        int preempting = 0;
        for (int seed = 0; seed < Cases; seed++)
        {
            var s = Simulate(seed);
            Assert.All(s.Run.Iterations, it => Assert.InRange(it.KvBlocksUsed, 0, s.Case.Settings.KvBlocks));
            Assert.All(s.Run.Requests, r => Assert.True(r.Completed && !r.Rejected, $"seed {seed}: request {r.RequestId} lost"));
            int preemptions = s.Run.Requests.Sum(r => r.Preemptions);
            if (preemptions > 0) preempting++;
            Assert.Equal(preemptions, s.Executor.Released.Count(x => x.Preempted));
            // Every request is released as finished exactly once.
            Assert.Equal(s.Run.Requests.Select(r => r.RequestId).Order(), s.Executor.Released.Where(x => !x.Preempted).Select(x => x.Id).Order());
        }
        Assert.True(preempting > 20, $"only {preempting} cases preempted: the generator no longer stresses the KV cache");
    }

    [Fact]
    public void Same_spec_and_seed_give_byte_identical_result_json()
    {
        var options = new ResultJson.Options(Timelines: true, IterationLog: true, Detailed: true);
        var date = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        int preempting = 0;
        for (int seed = 0; seed < Cases; seed++)
        {
            var spec = RandomSpec(seed);
            var first = ExperimentRunner.Run(spec);
            string a = ResultJson.Write(first, RunContext.Roofline(spec, date), options);
            var second = ExperimentRunner.Run(spec);
            string b = ResultJson.Write(second, RunContext.Roofline(spec, date), options);
            Assert.True(a == b, $"seed {seed}: two runs of the same spec wrote different JSON");
            Assert.All(second.Run.Requests, r => Assert.True(r.Completed || r.Rejected, $"seed {seed}: request {r.RequestId} neither served nor refused"));
            if (second.Metrics.Preemptions > 0) preempting++;
        }
        Assert.True(preempting > 20, $"only {preempting} specs preempted: the device memory is not tight enough to stress the KV cache");
    }

    /// <summary>A full experiment spec whose device memory leaves about as many KV blocks as the random case asks for.</summary>
    private static ExperimentSpec RandomSpec(int seed)
    {
        var c = RandomCase.Draw(seed);
        var rng = new Random(seed ^ 0xD5EC);
        var model = RandomModels.Draw(rng, c.Layers);
        int tp = RandomModels.TensorParallel(rng, model);
        const double utilization = 0.9;
        double shards = model.UsesLatentAttention ? 1.0 : Math.Ceiling((double)model.KvHeads / tp) / model.KvHeads;
        double blockBytes = model.KvBytesPerToken * shards * c.Settings.KvBlockTokens;
        double memory = ((double)model.TotalWeightBytes / tp + ExperimentSpec.ActivationReserveBytes + (c.Settings.KvBlocks + 0.5) * blockBytes) / utilization;
        var device = RandomModels.Device(rng) with { MemoryBytes = memory };
        var routing = new RoutingSpec(Sampled: rng.Next(10) == 0, ZipfSkew: Math.Round(rng.NextDouble() * 2, 3), Seed: seed);
        return new ExperimentSpec(model, device, tp, c.Workload, c.Policy, new Slo(1.0, 0.1), routing,
            MaxSequences: c.Settings.MaxSequences, GpuMemoryUtilization: utilization, KvBlockTokens: c.Settings.KvBlockTokens);
    }
}
