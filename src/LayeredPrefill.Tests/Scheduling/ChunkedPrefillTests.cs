using LayeredPrefill.Scheduling;
using static LayeredPrefill.Tests.Scheduling.SchedulerHarness;

namespace LayeredPrefill.Tests.Scheduling;

public class ChunkedPrefillTests
{
    [Fact]
    public void Splits_prompts_into_budget_chunks_in_sarathi_order()
    {
        // Budget 8, 2 layers: A (prompt 10, 3 out), B (prompt 5, 2 out).
        var s = new ChunkedPrefillScheduler(2, Settings(), chunkBudgetTokens: 8);
        var plans = Drain(s, [Req(0, 10, 3), Req(1, 5, 2)]);
        var expected = new[]
        {
            "|P0[0+8)@0-2",                // A's first chunk fills the budget
            "|P0[8+2)@0-2*,P1[0+5)@0-2*",  // continuing A first, then B; both finish their prefill and emit
            "D0,D1|",                       // both decode
            "D0|",                          // B done after 2 tokens; A's third token
        };
        Assert.Equal(expected, plans.Select(Describe));
    }

    [Fact]
    public void Decodes_are_charged_against_the_budget_before_prefill()
    {
        var s = new ChunkedPrefillScheduler(1, Settings(), chunkBudgetTokens: 4);
        Assert.True(s.Enqueue(Req(0, 2, 5)));
        var p0 = s.Plan()!; s.Complete(p0);                    // A prefill 2 tokens, emits
        Assert.True(s.Enqueue(Req(1, 10, 1)));
        var p1 = s.Plan()!;
        Assert.Equal("D0|P1[0+3)@0-1", Describe(p1));          // 1 decode + 3 prefill = budget 4
    }

    [Fact]
    public void Max_sequences_cap_holds_back_new_requests()
    {
        var s = new ChunkedPrefillScheduler(1, Settings(maxSeqs: 1), chunkBudgetTokens: 100);
        var plans = Drain(s, [Req(0, 3, 2), Req(1, 3, 1)]);
        Assert.Equal(["|P0[0+3)@0-1*", "D0|", "|P1[0+3)@0-1*"], plans.Select(Describe));
    }

    [Fact]
    public void Kv_exhaustion_preempts_the_newest_running_request_and_recomputes_it()
    {
        // 4 blocks of 2 tokens = 8 tokens of KV. A: prompt 3, 4 out (max context 6); B: prompt 3, 3 out (max context 5).
        var s = new ChunkedPrefillScheduler(1, Settings(kvBlocks: 4, blockTokens: 2), chunkBudgetTokens: 16);
        var plans = Drain(s, [Req(0, 3, 4), Req(1, 3, 3)]);
        var text = plans.Select(Describe).ToArray();
        Assert.Equal("|P0[0+3)@0-1*,P1[0+3)@0-1*", text[0]);   // both prompts, 2+2 blocks
        Assert.Equal("D0,D1|", text[1]);                         // contexts 3→4: each still fits in 2 blocks
        // A needs a third block for position 4: the pool is full, so B (the newest) is preempted.
        Assert.Equal([1], plans[2].Preempted);
        Assert.Equal("D0|", text[2]);
        // B comes back as a prefill of prompt + its 2 generated tokens, which emits its third and last token.
        var recompute = plans.Skip(3).SelectMany(p => p.Prefills).Single(p => p.RequestId == 1);
        Assert.Equal(5, recompute.TokenCount);
        Assert.True(recompute.EmitsToken);
        Assert.Equal(3, s.StateOf(1).GeneratedTokens);
        Assert.Equal(4, s.StateOf(0).GeneratedTokens);
        Assert.Equal(1, s.StateOf(1).Preemptions);
    }

    [Fact]
    public void A_request_larger_than_the_whole_cache_is_refused()
    {
        var s = new ChunkedPrefillScheduler(1, Settings(kvBlocks: 2, blockTokens: 4), 16);
        Assert.False(s.Enqueue(Req(0, 8, 2)));   // 9 positions need 3 blocks
        Assert.True(s.Enqueue(Req(1, 7, 2)));    // 8 positions fit
    }

    [Fact]
    public void Bad_budget_is_refused_naming_the_option()
    {
        var e = Assert.Throws<UserInputException>(() => new ChunkedPrefillScheduler(4, Settings(), 0));
        Assert.Contains("--chunk-budget", e.Message);
    }
}
