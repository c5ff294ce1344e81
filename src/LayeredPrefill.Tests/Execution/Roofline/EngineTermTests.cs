using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Scheduling;
using Xunit;

namespace LayeredPrefill.Tests.Execution.Roofline;

/// <summary>Each engine term of a device profile does what its documentation says, and nothing else.</summary>
public class EngineTermTests
{
    private static readonly LayeredPrefill.Models.MoeModel Qwen = RooflineTestModels.Qwen3();

    private static double Seconds(DeviceProfile device, IterationPlan plan) =>
        new RooflineExecutor(Qwen, device, 2, UniformRouting.Instance).Execute(plan).DurationSeconds;

    private static IterationPlan Decodes(int count, int context) =>
        new(0, 48, Enumerable.Range(0, count).Select(i => new DecodeEntry(i, context)).ToArray(), [], []);

    private static IterationPlan Prefill(int tokens, int context = 0) =>
        new(0, 48, [], [new PrefillEntry(0, context, tokens, LayerRange.All(48), EmitsToken: true)], []);

    private static DeviceProfile With(EngineOverhead overhead) => DeviceCatalog.H100Sxm() with { Overhead = overhead };

    [Fact]
    public void Iteration_overhead_adds_exactly_its_seconds_graphed_or_eager()
    {
        var none = DeviceCatalog.H100Sxm();
        var device = With(new EngineOverhead(GraphedIterationSeconds: 1e-3, EagerIterationSeconds: 5e-3, GraphMaxTokens: 1024, TokenLayerSeconds: 0));
        Assert.Equal(1e-3, Seconds(device, Decodes(8, 1000)) - Seconds(none, Decodes(8, 1000)), 12);
        Assert.Equal(1e-3, Seconds(device, Prefill(1024)) - Seconds(none, Prefill(1024)), 12);
        Assert.Equal(5e-3, Seconds(device, Prefill(1025)) - Seconds(none, Prefill(1025)), 12);
    }

    [Fact]
    public void Token_layer_and_host_terms_add_their_rate_times_what_they_count()
    {
        var none = DeviceCatalog.H100Sxm();
        var perToken = With(new EngineOverhead(0, 0, int.MaxValue, TokenLayerSeconds: 1e-7));
        Assert.Equal(600 * 48 * 1e-7, Seconds(perToken, Prefill(600)) - Seconds(none, Prefill(600)), 10);
        var host = With(new EngineOverhead(0, 0, int.MaxValue, 0, PrefillTokenHostSeconds: 2e-7, SequenceHostSeconds: 3e-5, ContextTokenHostSeconds: 1e-8));
        Assert.Equal(600 * 2e-7 + 3e-5, Seconds(host, Prefill(600, context: 900)) - Seconds(none, Prefill(600, context: 900)), 10);
        Assert.Equal(5 * 3e-5 + 5 * 4000 * 1e-8, Seconds(host, Decodes(5, 4000)) - Seconds(none, Decodes(5, 4000)), 10);
    }

    [Fact]
    public void Layer_dispatch_floors_small_layers_and_hides_behind_long_ones()
    {
        var none = DeviceCatalog.H100Sxm();
        var dispatch = With(new EngineOverhead(0, 0, int.MaxValue, 0, LayerDispatchSeconds: 1e-3));
        // One decode: every layer is far shorter than 1 ms, so 48 layers take 48 ms of dispatch plus the first layer's kernels at most.
        double small = Seconds(dispatch, Decodes(1, 100));
        Assert.InRange(small, 48e-3, 48e-3 + Seconds(none, Decodes(1, 100)));
        // An 8192-token pass has layers far longer than 1 ms: the host runs ahead and only the first dispatch shows
        // (less the embedding lookup, which runs while layer 0 is dispatched).
        double big = Seconds(none, Prefill(8192));
        Assert.InRange(Seconds(dispatch, Prefill(8192)), big + 0.9e-3, big + 1e-3);
    }

    [Fact]
    public void Attention_of_a_chunk_grows_with_the_context_it_reads_and_paged_prefill_takes_its_own_rate()
    {
        var executor = new RooflineExecutor(Qwen, DeviceCatalog.H100Sxm(), 2, UniformRouting.Instance, perLayerDetail: true);
        double Attention(int context) => executor.Execute(Prefill(512, context)).Layers!.Sum(l => l.AttentionSeconds);
        Assert.True(Attention(8192) > Attention(4096) && Attention(4096) > Attention(1024), "more context, more attention");
        var slowPaged = DeviceCatalog.H100Sxm() with { PagedPrefillAttention = new OpEfficiency(0.1, 0.8, 4e-6) };
        var paged = new RooflineExecutor(Qwen, slowPaged, 2, UniformRouting.Instance, perLayerDetail: true);
        double PagedAttention(int context) => paged.Execute(Prefill(512, context)).Layers!.Sum(l => l.AttentionSeconds);
        Assert.Equal(Attention(0), PagedAttention(0), 12);            // the first chunk reads no cache
        Assert.True(PagedAttention(4096) > 4 * Attention(4096), "a chunk after the first takes the paged rate (0.1 vs 0.5)");
    }

    [Fact]
    public void Expert_curve_sets_the_moe_rate_by_tokens_per_expert()
    {
        double Moe(DeviceProfile d, int tokens) =>
            new RooflineExecutor(Qwen, d, 2, UniformRouting.Instance, perLayerDetail: true).Execute(Prefill(tokens)).Layers![0].MoeSeconds;
        var flat = DeviceCatalog.H100Sxm();
        var halfSpeed = flat with { ExpertCurve = new ExpertEfficiencyCurve([new ExpertEfficiencyPoint(1, 0.2, 0.425)]) };
        double launch = flat.For(OpClass.ExpertGemm).LaunchOverheadSeconds;
        Assert.Equal(2 * (Moe(flat, 512) - launch), Moe(halfSpeed, 512) - launch, 9);
    }

    [Fact]
    public void Paper_engine_reproduces_the_papers_moe_chunk_table_within_ten_percent()
    {
        (int Chunk, double Ms)[] paper = [(512, 311.95), (1024, 184.88), (2048, 112.28), (4096, 84.57), (8192, 75.68)];
        var rows = LayeredPrefill.Experiments.ChunkSizeStudy.Run(LayeredPrefill.Models.ModelCatalog.Get("qwen3-30b-a3b"),
            DeviceCatalog.Get("h100-paper-engine"), 2, 8192, paper.Select(p => p.Chunk));
        foreach (var (row, (chunk, ms)) in rows.Zip(paper))
            Assert.InRange(row.MoeSeconds * 1e3 / ms, 0.9, 1.1);
    }
    [Fact]
    public void Paper_engine_gap_between_512_token_chunks_is_the_nsys_profiles()
    {
        // REFERENCE.md §7: the 16-chunk span's "other" less the kernels leaves 0.725 ms per gap between chunk iterations;
        // the per-iteration term plus the measured host time of such a step (one sequence, 512 prompt tokens) must give it back.
        var overhead = DeviceCatalog.Get("h100-paper-engine").Overhead!;
        double gap = overhead.IterationSeconds(512) + overhead.HostSeconds(prefillTokens: 512, sequences: 1, decodeContextTokens: 0);
        Assert.InRange(gap, 0.725e-3 * 0.995, 0.725e-3 * 1.005);
    }

    [Fact]
    public void Paper_engine_decode_floor_is_the_vllm_rows_p5_itl()
    {
        // The fastest decode steps of the paper's vLLM row (p5 ITL 7.16 ms vLLM, 7.01 ms layered engine) run a few
        // sequences and are host-bound: the layer dispatch term sets them.
        var device = DeviceCatalog.Get("h100-paper-engine");
        var model = LayeredPrefill.Models.ModelCatalog.Get("qwen3-30b-a3b");
        foreach (int sequences in new[] { 1, 2, 4 })
        {
            var plan = new IterationPlan(0, 48, Enumerable.Range(0, sequences).Select(i => new DecodeEntry(i, 3000)).ToArray(), [], []);
            double ms = new RooflineExecutor(model, device, 2, UniformRouting.Instance).Execute(plan).DurationSeconds * 1e3;
            Assert.InRange(ms, 7.01 * 0.97, 7.16 * 1.03);
        }
    }
}
