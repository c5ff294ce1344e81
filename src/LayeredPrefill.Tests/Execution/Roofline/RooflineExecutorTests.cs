using LayeredPrefill.Execution;
using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Scheduling;
using Xunit;

namespace LayeredPrefill.Tests.Execution.Roofline;

public class RooflineExecutorTests
{
    private static RooflineExecutor Executor(int tp = 1, string device = "h100-sxm", bool detail = true, LayeredPrefill.Models.MoeModel? model = null) =>
        new(model ?? RooflineTestModels.Qwen3(), DeviceCatalog.Get(device), tp, UniformRouting.Instance, detail);

    private static (double ExpertBytes, double Seconds, double MoeSeconds, double KvRead, long LayerTokens) Run(RooflineExecutor executor, IEnumerable<IterationPlan> plans)
    {
        double bytes = 0, seconds = 0, moe = 0, kv = 0;
        long tokens = 0;
        foreach (var plan in plans)
        {
            var cost = executor.Execute(plan);
            bytes += cost.Traffic.ExpertWeightBytes;
            seconds += cost.DurationSeconds;
            kv += cost.Traffic.KvReadBytes;
            moe += cost.Layers!.Sum(l => l.MoeSeconds);
            tokens += cost.Layers!.Sum(l => (long)l.Tokens);
        }
        return (bytes, seconds, moe, kv, tokens);
    }

    [Fact]
    public void Classic_8192_prompt_streams_927_7_GB_chunked_and_58_0_GB_layered()
    {
        var model = RooflineTestModels.Qwen3();
        var chunked = Run(Executor(), RooflineTestModels.Chunked(model, 8192, 512));
        var layered = Run(Executor(), RooflineTestModels.Layered(model, 8192, 16));
        Assert.Equal(927.7, chunked.ExpertBytes / 1e9, 1);
        Assert.Equal(58.0, layered.ExpertBytes / 1e9, 1);
        // Conservation: every prompt token passes every layer exactly once either way.
        Assert.Equal(8192L * 48, chunked.LayerTokens);
        Assert.Equal(8192L * 48, layered.LayerTokens);
        // Chunks re-read the context before them; one pass has none to read.
        Assert.True(chunked.KvRead > 0);
        Assert.Equal(0, layered.KvRead);
        // The paper's point: re-streaming experts per chunk costs several times the MoE time (Triton on H100: 4.8×).
        Assert.InRange(chunked.MoeSeconds / layered.MoeSeconds, 3.5, 6);
    }

    [Fact]
    public void Decode_time_grows_with_batch_and_with_context()
    {
        var executor = Executor(detail: false);
        var model = executor.Model;
        var rng = new Random(42);
        double previous = 0;
        foreach (int batch in new[] { 1, 4, 16, 64, 256 })
        {
            int[] contexts = Enumerable.Range(0, batch).Select(_ => rng.Next(500, 2000)).ToArray();
            double t = executor.Execute(RooflineTestModels.Decodes(0, model, contexts)).DurationSeconds;
            Assert.True(t > previous, $"batch {batch}: {t} s should exceed {previous} s");
            previous = t;
        }
        previous = 0;
        foreach (int context in new[] { 10, 1000, 8000, 30000 })
        {
            double t = executor.Execute(RooflineTestModels.Decodes(0, model, Enumerable.Repeat(context, 32).ToArray())).DurationSeconds;
            Assert.True(t > previous, $"context {context}: {t} s should exceed {previous} s");
            previous = t;
        }
    }

    [Fact]
    public void Tensor_parallel_two_halves_expert_time_per_gpu_and_adds_all_reduces()
    {
        var model = RooflineTestModels.Qwen3();
        var plan = RooflineTestModels.Decodes(3, model, Enumerable.Repeat(1000, 64).ToArray());
        var one = Executor(tp: 1).Execute(plan);
        var two = Executor(tp: 2).Execute(plan);
        // Same experts read in all (summed over GPUs), each GPU reading half.
        Assert.Equal(one.Traffic.ExpertWeightBytes, two.Traffic.ExpertWeightBytes, 6);
        double launch = DeviceCatalog.Get("h100-sxm").For(OpClass.ExpertGemm).LaunchOverheadSeconds;
        double ratio = (two.Layers![5].MoeSeconds - launch) / (one.Layers![5].MoeSeconds - launch);
        Assert.InRange(ratio, 0.5, 0.53); // replicated routed activations keep it a hair above one half

        // All-reduce: with an absurd latency the TP-2 iteration grows by exactly 2 per layer + the logits gather; TP 1 does not.
        var slow = DeviceCatalog.Get("h100-sxm") with { InterconnectLatencySeconds = 1e-3 };
        var fast = slow with { InterconnectLatencySeconds = 0 };
        double Time(LayeredPrefill.Execution.Roofline.DeviceProfile d, int tp) =>
            new RooflineExecutor(model, d, tp, UniformRouting.Instance).Execute(plan).DurationSeconds;
        Assert.Equal((2 * 48 + 1) * 1e-3, Time(slow, 2) - Time(fast, 2), 9);
        Assert.Equal(Time(slow, 1), Time(fast, 1));
        Assert.True(Time(fast, 2) > 0);
    }

    [Fact]
    public void Energy_follows_the_formula()
    {
        var device = DeviceCatalog.Get("h100-sxm") with { IdleWatts = 100, DramPicojoulesPerByte = 50, PicojoulesPerFlop = 0.5 };
        // By hand: 2e9 bytes × 50 pJ = 0.1 J; 4e12 FLOP × 0.5 pJ = 2 J; 100 W × 2 GPUs × 0.01 s = 2 J.
        Assert.Equal(4.1, EnergyModel.Joules(device, 2e9, 4e12, 0.01, 2), 12);

        var executor = new RooflineExecutor(RooflineTestModels.Qwen3(), device, 2, UniformRouting.Instance);
        var cost = executor.Execute(RooflineTestModels.Decodes(0, executor.Model, 100, 2000, 7000));
        double byHand = cost.Traffic.TotalBytes * 50e-12 + cost.Flops * 0.5e-12 + 100 * 2 * cost.DurationSeconds;
        Assert.Equal(byHand, cost.EnergyJoules, 9);
    }

    [Fact]
    public void Tiny_decode_is_priced_as_computed_by_hand()
    {
        var model = RooflineTestModels.Tiny(); // H 8, 2/2 heads of 4, 4 experts top-2, FFN 8, vocab 16, bf16
        var cost = new RooflineExecutor(model, DeviceCatalog.Get("h100-sxm"), 1, UniformRouting.Instance)
            .Execute(RooflineTestModels.Decodes(0, model, 10));
        // Experts: one token picks 2 of 4; each expert 3·8·8·2 B = 384 B.
        Assert.Equal(2 * 384, cost.Traffic.ExpertWeightBytes);
        // Dense: QKV 8·(2+2·2)·4 + O 8·8 = 256 params, 2 norms of 8, router 8·4 → 304 params = 608 B;
        // final norm 16 B; LM head 16·8·2 = 256 B.
        Assert.Equal(608 + 16 + 256, cost.Traffic.DenseWeightBytes);
        // KV: 2 heads × 4 × (K,V) × 2 B = 32 B per token; read 10 tokens, write 1.
        Assert.Equal(320, cost.Traffic.KvReadBytes);
        Assert.Equal(32, cost.Traffic.KvWriteBytes);
        // FLOPs: QKV 2·192, attention 4·2·4·11 pairs, O 2·64, router 2·32, experts 2·3·8·8·2, LM head 2·16·8.
        Assert.Equal(384 + 352 + 128 + 64 + 768 + 256, cost.Flops);
    }

    [Fact]
    public void Dense_bytes_at_tp1_match_the_model_and_the_lm_head_runs_only_when_a_token_is_emitted()
    {
        var model = RooflineTestModels.Qwen3();
        var executor = Executor(detail: false);
        var decode = executor.Execute(RooflineTestModels.Decodes(0, model, 100));
        double layers = Enumerable.Range(0, 48).Sum(l => (double)model.DenseBytesPerLayer(l));
        Assert.Equal(layers + model.LmHeadBytes + model.HiddenSize * 2, decode.Traffic.DenseWeightBytes);

        var midPrompt = new IterationPlan(0, 48, [], [new PrefillEntry(0, 0, 512, LayerRange.All(48), EmitsToken: false)], []);
        Assert.Equal(layers + model.HiddenSize * 2, executor.Execute(midPrompt).Traffic.DenseWeightBytes);
    }

    [Fact]
    public void Layers_no_token_passes_cost_nothing()
    {
        var model = RooflineTestModels.Qwen3();
        var plan = new IterationPlan(0, 48, [], [new PrefillEntry(0, 0, 1000, new LayerRange(6, 9), EmitsToken: false)], []);
        var cost = Executor().Execute(plan);
        Assert.Equal([6, 7, 8], cost.Layers!.Select(l => l.Layer));
        Assert.Equal(3 * 128 * model.ExpertBytes, cost.Traffic.ExpertWeightBytes, 0.01 * model.ExpertBytes);
        Assert.Equal(cost.Layers!.Sum(l => l.DurationSeconds), cost.DurationSeconds, 12);
        Assert.Equal(0, Executor().Execute(new IterationPlan(1, 48, [], [], [])).DurationSeconds);
    }

    [Fact]
    public void Sliding_window_layers_read_at_most_the_window()
    {
        var model = RooflineTestModels.GptOss(); // 24 layers, even ones windowed at 128
        var cost = Executor(model: model, detail: false).Execute(RooflineTestModels.Decodes(0, model, 10_000));
        Assert.Equal((12 * 10_000 + 12 * 128) * (double)model.KvBytesPerTokenPerLayer, cost.Traffic.KvReadBytes);
        Assert.Equal(24 * (double)model.KvBytesPerTokenPerLayer, cost.Traffic.KvWriteBytes);
    }

    [Fact]
    public void Causal_pairs_match_brute_force()
    {
        var rng = new Random(2026);
        for (int i = 0; i < 300; i++)
        {
            int before = rng.Next(0, 400), tokens = rng.Next(1, 300), window = rng.Next(1, 500);
            long brute = 0;
            for (int t = 1; t <= tokens; t++) brute += Math.Min(before + t, window);
            Assert.Equal(brute, RooflineExecutor.CausalPairs(before, tokens, window));
            Assert.Equal(tokens * (double)before + tokens * (tokens + 1) / 2.0, RooflineExecutor.CausalPairs(before, tokens, int.MaxValue));
        }
    }

    [Theory]
    [InlineData(3, "query heads")]
    [InlineData(0, "must be >= 1")]
    [InlineData(64, "query heads")]
    public void Invalid_tensor_parallel_is_refused_naming_tp(int tp, string expected)
    {
        var e = Assert.Throws<UserInputException>(() => Executor(tp: tp));
        Assert.StartsWith("--tp:", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Kv_heads_are_replicated_when_tp_exceeds_them()
    {
        var model = RooflineTestModels.Qwen3(); // 4 kv heads
        var plan = RooflineTestModels.Decodes(0, model, 1000);
        var four = Executor(tp: 4, detail: false).Execute(plan);
        var eight = Executor(tp: 8, detail: false).Execute(plan);
        Assert.Equal(four.Traffic.KvReadBytes, model.KvBytesPerTokenPerLayer * 1000.0 * 48);
        Assert.Equal(2 * four.Traffic.KvReadBytes, eight.Traffic.KvReadBytes); // each of 8 GPUs holds one whole kv head
        var odd = model with { KvHeads = 8, QueryHeads = 24 };
        Assert.Contains("kv heads", Assert.Throws<UserInputException>(() => Executor(tp: 12, model: odd)).Message);
    }
}
