using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Verification;
using Xunit;

namespace LayeredPrefill.Tests.Kernels.Verification;

public sealed class ScheduleInvarianceTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(12345)]
    public void Simd_AllSchedulesGiveIdenticalTokensAndKv(int seed)
    {
        var random = new Random(seed);
        var requests = ScheduleInvariance.SmallRequests(random);
        var rows = ScheduleInvariance.Check(TestModels.TinyMoe, new EngineOptions("simd", seed), requests);
        Assert.All(rows, r =>
        {
            Assert.True(r.TokensEqual, $"{r.Schedule}: tokens differ");
            Assert.True(r.KvEqual, $"{r.Schedule}: KV differs by up to {r.MaxKvDifference}");
        });
    }

    [Fact]
    public void Simd_DifferentSeedsGiveDifferentTokens()
    {
        var requests = ScheduleInvariance.SmallRequests(new Random(3));
        var plans = HandPlans.PrefillFirst(requests, TestModels.TinyMoe.Layers);
        var a = ScheduleInvariance.Run("a", plans, TestModels.TinyMoe, new EngineOptions("simd", 1), requests);
        var b = ScheduleInvariance.Run("b", plans, TestModels.TinyMoe, new EngineOptions("simd", 2), requests);
        Assert.NotEqual(a.Tokens.Values.SelectMany(t => t), b.Tokens.Values.SelectMany(t => t));
        // A degenerate model (one token forever) would make the invariance checks vacuous.
        Assert.True(a.Tokens.Values.SelectMany(t => t).Distinct().Count() > 3);
    }
}
