using LayeredPrefill.Scheduling;
using static LayeredPrefill.Tests.Scheduling.SchedulerHarness;

namespace LayeredPrefill.Tests.Scheduling;

public class PrefillFirstTests
{
    [Fact]
    public void Whole_prompts_run_first_and_decodes_stall_behind_them()
    {
        var s = new PrefillFirstScheduler(3, Settings(), maxBatchTokens: 100);
        Assert.True(s.Enqueue(Req(0, 40, 3)));
        var texts = new List<string>();
        void Step() { var p = s.Plan()!; texts.Add(Describe(p)); s.Complete(p); }
        Step();
        Assert.True(s.Enqueue(Req(1, 70, 2)));
        Assert.True(s.Enqueue(Req(2, 20, 1)));
        while (s.HasWork) Step();
        Assert.Equal(
        [
            "|P0[0+40)@0-3*",
            "|P1[0+70)@0-3*,P2[0+20)@0-3*",   // both prompts fit the 100-token batch; A's decode stalls
            "D0,D1|",
            "D0|",
        ], texts);
    }

    [Fact]
    public void Batch_cap_splits_prompts_over_iterations_but_never_splits_a_prompt()
    {
        var s = new PrefillFirstScheduler(1, Settings(), maxBatchTokens: 50);
        var plans = Drain(s, [Req(0, 40, 1), Req(1, 40, 1), Req(2, 90, 1)]);
        Assert.Equal(["|P0[0+40)@0-1*", "|P1[0+40)@0-1*", "|P2[0+90)@0-1*"], plans.Select(Describe));
    }
}
