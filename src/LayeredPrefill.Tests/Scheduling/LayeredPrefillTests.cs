using LayeredPrefill.Scheduling;
using static LayeredPrefill.Tests.Scheduling.SchedulerHarness;

namespace LayeredPrefill.Tests.Scheduling;

public class LayeredPrefillTests
{
    private static readonly int[] QwenLadder = [1, 2, 4, 8, 16];

    [Fact]
    public void Adaptive_table_for_gpt_oss_ladder()
    {
        int[] ladder = [1, 2, 4, 6, 12];
        Assert.Equal([1, 2, 4, 6, 12], new[] { 100, 1000, 2000, 4000, 8000 }.Select(t => LayerGroups.Adaptive(ladder, t, 24)));
    }

    [Fact]
    public void Split_gives_nearly_equal_contiguous_groups()
    {
        Assert.Equal([new(0, 3), new(3, 6), new(6, 8), new(8, 10)], LayerGroups.Split(10, 4));
        Assert.Equal(16, LayerGroups.Split(48, 16).Length);
        Assert.All(LayerGroups.Split(48, 16), g => Assert.Equal(3, g.Count));
        Assert.Throws<UserInputException>(() => LayerGroups.Split(4, 5));
    }

    [Fact]
    public void One_prompt_advances_one_group_per_iteration_and_emits_after_G()
    {
        // 6 layers, prompt 1500 → adaptive G = 4 → groups of 2,2,1,1 layers.
        var s = new LayeredPrefillScheduler(6, Settings(), null, QwenLadder);
        var plans = Drain(s, [Req(0, 1500, 2)]);
        Assert.Equal(
            ["|P0[0+1500)@0-2", "|P0[0+1500)@2-4", "|P0[0+1500)@4-5", "|P0[0+1500)@5-6*", "D0|"],
            plans.Select(Describe));
    }

    [Fact]
    public void Decodes_run_every_iteration_while_a_batch_is_in_flight()
    {
        var s = new LayeredPrefillScheduler(4, Settings(), fixedGroups: 2, QwenLadder);
        Assert.True(s.Enqueue(Req(0, 10, 10)));
        var p = s.Plan()!; s.Complete(p);
        p = s.Plan()!; s.Complete(p);                // A emits its first token after 2 groups
        Assert.True(s.Enqueue(Req(1, 20, 2)));
        var texts = new List<string>();
        for (int i = 0; i < 3; i++) { p = s.Plan()!; texts.Add(Describe(p)); s.Complete(p); }
        Assert.Equal(["D0|P1[0+20)@0-2", "D0|P1[0+20)@2-4*", "D0,D1|"], texts);
    }

    [Fact]
    public void Batches_are_filled_to_the_budget_and_admitted_only_when_none_is_in_flight()
    {
        // As the authors' engine does, the prompt that does not fit whole runs its first 10 positions in this batch.
        var s = new LayeredPrefillScheduler(2, Settings(), fixedGroups: 2, QwenLadder, budgetTokens: 100);
        var plans = Drain(s, [Req(0, 60, 1), Req(1, 30, 1), Req(2, 50, 1)]);
        Assert.Equal(
            ["|P0[0+60)@0-1,P1[0+30)@0-1,P2[0+10)@0-1", "|P0[0+60)@1-2*,P1[0+30)@1-2*,P2[0+10)@1-2", "|P2[10+40)@0-1", "|P2[10+40)@1-2*"],
            plans.Select(Describe));
    }

    [Fact]
    public void Long_prompts_are_split_into_budget_pieces_each_layered()
    {
        var s = new LayeredPrefillScheduler(2, Settings(), fixedGroups: 2, QwenLadder, budgetTokens: 100);
        var plans = Drain(s, [Req(0, 250, 1)]);
        Assert.Equal(
            ["|P0[0+100)@0-1", "|P0[0+100)@1-2", "|P0[100+100)@0-1", "|P0[100+100)@1-2", "|P0[200+50)@0-1", "|P0[200+50)@1-2*"],
            plans.Select(Describe));
    }

    [Fact]
    public void Fixed_G_beyond_the_layer_count_is_refused_naming_the_option()
    {
        var e = Assert.Throws<UserInputException>(() => new LayeredPrefillScheduler(4, Settings(), 5, QwenLadder));
        Assert.Contains("--layer-groups", e.Message);
    }

    [Fact]
    public void Preempting_a_batch_member_drops_it_from_the_batch()
    {
        // 4 blocks of 4 tokens. A (prompt 7) decodes; B's layered batch is in flight and is the newest.
        var s = new LayeredPrefillScheduler(2, Settings(kvBlocks: 4, blockTokens: 4), fixedGroups: 2, QwenLadder);
        Assert.True(s.Enqueue(Req(0, 7, 8)));
        var texts = new List<string>();
        var plans = new List<IterationPlan>();
        void Step() { var p = s.Plan()!; plans.Add(p); texts.Add(Describe(p)); s.Complete(p); }
        Step(); Step();                                   // A prefilled in 2 groups: 7 positions, 2 blocks
        Assert.True(s.Enqueue(Req(1, 8, 1)));
        Step();                                           // A grows to 8 (2 blocks); B admitted with 2 blocks: pool full
        Step();                                           // A needs a third block: B, the newest, is preempted
        while (s.HasWork) Step();
        Assert.Equal(["|P0[0+7)@0-1", "|P0[0+7)@1-2*", "D0|P1[0+8)@0-1", "D0|"], texts.Take(4));
        Assert.Equal([1], plans[3].Preempted);
        Assert.Equal(1, s.StateOf(1).Preemptions);
        Assert.Equal(1, s.StateOf(1).GeneratedTokens);
        Assert.Equal(8, s.StateOf(0).GeneratedTokens);
        // B's recompute starts over from layer 0 at position 0.
        Assert.Contains(texts.Skip(4), t => t.Contains("P1[0+8)@0-1"));
    }
}
