using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Verification;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Workloads;
using Xunit;

namespace LayeredPrefill.Tests.Kernels;

public sealed class KernelExecutorTests
{
    [Fact]
    public void Executor_CountsTrafficFromWhatTheRouterChose_AndReturnsTokens()
    {
        var model = TestModels.TinyMoe;
        var random = new Random(41);
        var requests = ScheduleInvariance.SmallRequests(random, 2);
        using var executor = new KernelExecutor(model, new EngineOptions("simd", 41));
        Assert.Equal("kernels/simd", executor.Name);
        // simd streams bf16 weights and keeps an fp32 KV cache: traffic is counted in each one's own element type.
        var bf16 = model with { WeightDtype = LayeredPrefill.Models.WeightDtype.Bf16 };
        var fp32 = model with { WeightDtype = LayeredPrefill.Models.WeightDtype.Fp32 };
        foreach (var plan in HandPlans.Chunked(requests, model.Layers, 7))
        {
            var cost = executor.Execute(plan);
            Assert.True(cost.DurationSeconds > 0);
            Assert.Equal(plan.EmittingRequests.OrderBy(r => r), cost.TokenIds!.Keys.OrderBy(r => r));
            Assert.Equal(model.Layers, cost.Layers!.Count);
            foreach (var layer in cost.Layers)
            {
                Assert.Equal(plan.TokensInLayer(layer.Layer), layer.Tokens);
                // Distinct experts: at least top-k (one token), at most min(experts, tokens × top-k).
                Assert.InRange(layer.DistinctExperts, model.TopK, Math.Min(model.Experts, layer.Tokens * model.TopK));
                Assert.Equal(layer.DistinctExperts * bf16.ExpertBytes, layer.ExpertWeightBytes);
            }
            Assert.Equal(cost.Layers.Sum(l => l.ExpertWeightBytes), cost.Traffic.ExpertWeightBytes);
            double kvWrite = Enumerable.Range(0, model.Layers).Sum(l => (double)plan.TokensInLayer(l)) * fp32.KvBytesPerTokenPerLayer;
            Assert.Equal(kvWrite, cost.Traffic.KvWriteBytes);
            Assert.True(cost.Flops > 0);
        }
    }

    [Fact]
    public void Release_Finished_ForgetsTokens_Preempted_KeepsThem()
    {
        var model = TestModels.TinyMoe;
        using var engine = new MoeEngine(model, new EngineOptions("simd", 3, KvBlocks: 8));
        var all = LayerRange.All(model.Layers);
        engine.Execute(new IterationPlan(0, model.Layers, [], [new PrefillEntry(5, 0, 20, all, true)], []));
        engine.Release(5, preempted: true);
        Assert.Single(engine.GeneratedTokens(5));
        engine.Release(5, preempted: false);
        Assert.Empty(engine.GeneratedTokens(5));
    }
}
