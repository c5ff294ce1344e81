using LayeredPrefill.Workloads;

namespace LayeredPrefill.Tests.Workloads;

/// <summary>One prompt joining a batch of decoding requests.</summary>
public sealed class JoinWorkloadTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(128)]
    public void The_decoders_arrive_first_and_the_prompt_joins_them_last(int decoders)
    {
        var w = JoinWorkload.Build(decoders, 8192, 8, 32768);
        Assert.Equal(decoders + 1, w.Requests.Count);
        Assert.All(w.Requests.Take(decoders), r => Assert.Equal((0.0, JoinWorkload.DecoderPromptTokens, JoinWorkload.DecoderOutputTokens), (r.ArrivalSeconds, r.PromptTokens, r.OutputTokens)));
        var prompt = w.Requests[^1];
        Assert.Equal((decoders, JoinWorkload.JoinSeconds, 8192, 8), (prompt.Id, prompt.ArrivalSeconds, prompt.PromptTokens, prompt.OutputTokens));
        Assert.Equal(Enumerable.Range(0, decoders + 1), w.Requests.Select(r => r.Id));
    }

    [Theory]
    [InlineData(-1, 8192, 8, "--join-decodes")]
    [InlineData(257, 8192, 8, "--join-decodes")]
    [InlineData(4, 0, 8, "--prompt-tokens")]
    [InlineData(4, 8192, 0, "--output-tokens")]
    [InlineData(4, 32768, 1, "max model length")]
    public void Impossible_workloads_are_refused_naming_the_option(int decoders, int prompt, int output, string named)
    {
        var e = Assert.Throws<UserInputException>(() => JoinWorkload.Build(decoders, prompt, output, 32768));
        Assert.Contains(named, e.Message);
    }
}
