using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Verification;
using LayeredPrefill.Workloads;
using Xunit;

namespace LayeredPrefill.Tests.Kernels.Ilgpu;

/// <summary>
/// ilgpu-cpu runs every simulated GPU thread as an OS thread with spinning barriers, so on a loaded 2-core machine
/// a launch costs milliseconds: these tests use one engine, the micro shape and short prompts.
/// </summary>
public sealed class IlgpuCpuTests
{
    [Fact]
    public void IlgpuCpu_SchedulesGiveIdenticalTokensAndKv_AndMatchSimdTokens()
    {
        var random = new Random(21);
        var requests = new[] { new Request(0, 0, random.Next(5, 9), 3), new Request(1, 0, random.Next(3, 6), 2) };
        int layers = TestModels.Micro.Layers;
        var schedules = new (string, IReadOnlyList<LayeredPrefill.Scheduling.IterationPlan>)[]
        {
            ("prefill-first", HandPlans.PrefillFirst(requests, layers)),
            ("chunked-3", HandPlans.Chunked(requests, layers, 3)),
            ("layered-g2", HandPlans.Layered(requests, layers, 2)),
        };
        using var engine = new MoeEngine(TestModels.Micro, new EngineOptions("ilgpu-cpu", 21, KvBlocks: 8, MaxPositions: 64));
        var rows = ScheduleInvariance.Check(engine, requests, schedules);
        Assert.All(rows, r =>
        {
            Assert.True(r.TokensEqual, $"{r.Schedule}: tokens differ");
            Assert.True(r.KvEqual, $"{r.Schedule}: KV differs by up to {r.MaxKvDifference}");
        });

        var ilgpu = ScheduleInvariance.Run("ilgpu-cpu", schedules[0].Item2, engine, requests);
        var simd = ScheduleInvariance.Run("simd", schedules[0].Item2, TestModels.Micro, new EngineOptions("simd", 21, KvBlocks: 8, MaxPositions: 64), requests);
        var agreement = ScheduleInvariance.Compare(simd, ilgpu);
        Assert.True(agreement.TokensEqual, "tokens differ between simd and ilgpu-cpu");
        // Different summation orders (FMA lanes vs tiled scalar sums): KV agrees to float rounding, not bit for bit.
        Assert.True(agreement.MaxKvDifference < 1e-3, $"KV differs by {agreement.MaxKvDifference}");
    }
}
