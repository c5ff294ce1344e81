using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Verification;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Workloads;
using Xunit;

namespace LayeredPrefill.Tests.Kernels.Verification;

/// <summary>The project's own schedulers driving the simd engine: the policy changes the cost, never the tokens.</summary>
public sealed class RealSchedulerInvarianceTests
{
    private static readonly int[] Ladder = [1, 2, 4, 8, 16];

    [Fact]
    public void ChunkedLayeredAndPrefillFirst_EmitIdenticalTokens()
    {
        var model = TestModels.TinyMoe;
        var random = new Random(8);
        var requests = Enumerable.Range(0, 4).Select(i => new Request(i, 0, random.Next(10, 60), random.Next(2, 6))).ToList();
        var settings = new SchedulerSettings(8, 64);
        using var executor = new KernelExecutor(model, new EngineOptions("simd", 8, KvBlocks: 64));
        var schedulers = new List<IScheduler>
        {
            new PrefillFirstScheduler(model.Layers, settings, 4096),
            new ChunkedPrefillScheduler(model.Layers, settings, 3),
            new ChunkedPrefillScheduler(model.Layers, settings, 7),
            new ChunkedPrefillScheduler(model.Layers, settings, 16),
            new LayeredPrefillScheduler(model.Layers, settings, 1, Ladder),
            new LayeredPrefillScheduler(model.Layers, settings, 2, Ladder),
            new LayeredPrefillScheduler(model.Layers, settings, 4, Ladder),
        };
        var baseline = SchedulerServe.Tokens(schedulers[0], requests, executor);
        Assert.All(requests, r => Assert.Equal(r.OutputTokens, baseline[r.Id].Count));
        foreach (var s in schedulers.Skip(1))
        {
            var got = SchedulerServe.Tokens(s, requests, executor);
            Assert.All(requests, r => Assert.True(baseline[r.Id].SequenceEqual(got[r.Id]), $"{s.Name}: request {r.Id} tokens differ"));
        }
    }
}
