using LayeredPrefill.Experiments;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Serving;

namespace LayeredPrefill.Tests.Serving;

/// <summary>The serving invariants (conservation, stall-free decodes, KV capacity, determinism) that hold without kernels, over many seeded random workloads.</summary>
public class SimulatorInvariantTests
{
    private const int Cases = 500;

    private static (RunResult Run, LinearCostExecutor Executor, SchedulerBase Scheduler) Simulate(RandomCase c)
    {
        var scheduler = c.CreateScheduler();
        var executor = new LinearCostExecutor();
        var run = new ServingSimulator(scheduler, executor).Run(c.Workload);
        return (run, executor, scheduler);
    }

    [Fact]
    public void Conservation_every_token_through_every_layer_once_and_every_output_once()
    {
        for (int seed = 0; seed < Cases; seed++)
        {
            var c = RandomCase.Draw(seed);
            var (run, executor, _) = Simulate(c);
            foreach (var r in run.Requests)
            {
                Assert.False(r.Rejected, $"seed {seed}");
                Assert.Equal(r.OutputTokens, r.TokenTimesSeconds.Count);
                if (r.Preemptions > 0) continue; // recompute legitimately passes positions again
                var perLayer = new long[c.Layers];
                foreach (var p in executor.Plans.SelectMany(plan => plan.Prefills).Where(p => p.RequestId == r.RequestId))
                    for (int layer = p.Layers.Start; layer < p.Layers.End; layer++) perLayer[layer] += p.TokenCount;
                Assert.All(perLayer, count => Assert.Equal(r.PromptTokens, count));
                int decodes = executor.Plans.Sum(plan => plan.Decodes.Count(d => d.RequestId == r.RequestId));
                Assert.Equal(r.OutputTokens - 1, decodes);
            }
        }
    }

    [Fact]
    public void Stall_free_every_running_decode_gets_a_token_every_iteration_under_chunked_and_layered()
    {
        for (int seed = 0; seed < Cases; seed++)
        {
            var c = RandomCase.Draw(seed);
            if (c.Policy is PrefillFirstPolicy) continue;
            var (run, _, _) = Simulate(c);
            var iterationEnds = run.Iterations.Select(i => i.StartSeconds + i.DurationSeconds).ToArray();
            foreach (var r in run.Requests.Where(r => r.Preemptions == 0 && r.OutputTokens > 1))
            {
                int first = Array.IndexOf(iterationEnds, r.TokenTimesSeconds[0]);
                Assert.True(first >= 0, $"seed {seed}");
                // Tokens come out at consecutive iterations: no iteration passes without one.
                Assert.Equal(iterationEnds.Skip(first).Take(r.OutputTokens), r.TokenTimesSeconds);
            }
        }
    }

    [Fact]
    public void Kv_capacity_is_never_exceeded_and_preempted_requests_are_never_lost()
    {
        int preemptingCases = 0;
        for (int seed = 0; seed < Cases; seed++)
        {
            var c = RandomCase.Draw(seed);
            var (run, executor, _) = Simulate(c);
            Assert.All(run.Iterations, it => Assert.InRange(it.KvBlocksUsed, 0, c.Settings.KvBlocks));
            Assert.All(run.Requests, r => Assert.True(r.Completed, $"seed {seed}: request {r.RequestId} lost"));
            if (run.Requests.Any(r => r.Preemptions > 0))
            {
                preemptingCases++;
                // Every preemption is told to the executor, and every request is released exactly once at the end.
                Assert.Equal(run.Requests.Sum(r => r.Preemptions), executor.Released.Count(x => x.Preempted));
            }
            Assert.Equal(run.Requests.Count, executor.Released.Count(x => !x.Preempted));
            Assert.All(run.Iterations, it => Assert.True(it.DecodeTokens + it.PrefillRequests <= c.Settings.MaxSequences));
        }
        Assert.True(preemptingCases > 20, $"only {preemptingCases} cases preempted: the generator no longer stresses the KV cache");
    }

    [Fact]
    public void Determinism_same_inputs_give_identical_results()
    {
        for (int seed = 0; seed < 100; seed++)
        {
            var c = RandomCase.Draw(seed);
            var a = Simulate(c).Run;
            var b = Simulate(c).Run;
            Assert.Equal(a.Iterations, b.Iterations);
            Assert.Equal(a.Requests.Select(r => string.Join(",", r.TokenTimesSeconds)), b.Requests.Select(r => string.Join(",", r.TokenTimesSeconds)));
        }
    }
}
