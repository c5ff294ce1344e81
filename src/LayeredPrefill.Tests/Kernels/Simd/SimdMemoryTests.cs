using System.Globalization;
using LayeredPrefill.Kernels;
using LayeredPrefill.Kernels.Simd;
using LayeredPrefill.Models;
using LayeredPrefill.Scheduling;
using LayeredPrefill.Tests.Cli;
using Xunit.Abstractions;

namespace LayeredPrefill.Tests.Kernels.Simd;

/// <summary>
/// Issue 17's kernel memory: the simd engine holds one bf16 copy of its weights (drawn straight into packed form), so the
/// README's small-moe example fits in under 2 GB, and a model that would not fit is refused before a byte is allocated.
/// Runs alone (console collection) so that the heap it measures is its own.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class SimdMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void The_readme_example_needs_under_two_gigabytes_a_quarter_of_its_old_fp32_raw_plus_packed_copies()
    {
        // compare --executor kernels --backend simd --model small-moe --prompt-tokens 200 --output-tokens 12 --requests 6: the default pool holds them all.
        var model = ModelCatalog.Get("small-moe");
        int blocks = EngineOptions.WorkloadKvBlocks(Enumerable.Repeat(212, 6), 2048);
        Assert.Equal(6 * 14, blocks);
        long needed = BackendRegistry.BytesNeeded("simd", model, new EngineOptions("simd", 1, KvBlocks: blocks));
        long old = 2 * MoeWeights.Fp32Bytes(model) + new EngineOptions(KvBlocks: 2048).KvPoolBytes(model);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"README example on simd: {needed / 1e9:F2} GB planned (before: fp32 drawn + packed and a 2048-block pool, {old / 1e9:F2} GB per engine)"));
        Assert.InRange(needed, 1, 2_000_000_000);
        Assert.True(needed * 3 < old);
    }

    [Fact]
    public void Building_the_engine_holds_one_copy_of_the_weights()
    {
        var model = ModelCatalog.Get("small-moe") with { Layers = 1 };
        var options = new EngineOptions("simd", 3, KvBlocks: 64, MaxPositions: 64);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        using var engine = new MoeEngine(model, options);
        long held = GC.GetTotalMemory(forceFullCollection: true) - before;
        long needed = BackendRegistry.BytesNeeded("simd", model, options);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one small-moe layer: {held / 1e6:F0} MB held, {needed / 1e6:F0} MB planned"));
        Assert.InRange(held, needed * 9 / 10, needed * 11 / 10);
        GC.KeepAlive(engine);
    }

    [Fact]
    public void Weights_drawn_straight_into_packed_form_are_those_of_the_drawn_model()
    {
        // The weight hook forces the old path (MoeWeights drawn in fp32, then packed): both must run the very same model.
        var model = TestModels.TinyMoe;
        var direct = new EngineOptions("simd", 11, KvBlocks: 16, MaxPositions: 64);
        var drawn = direct with { AdjustWeights = _ => { } };
        var all = LayerRange.All(model.Layers);
        var plan = new IterationPlan(0, model.Layers, [], [new PrefillEntry(1, 0, 40, all, true)], []);
        using var a = new MoeEngine(model, direct);
        using var b = new MoeEngine(model, drawn);
        Assert.Equal(a.Execute(plan).TokenIds, b.Execute(plan).TokenIds);
        for (int layer = 0; layer < model.Layers; layer++)
            Assert.Equal(a.ReadKv(1, layer, 40), b.ReadKv(1, layer, 40));
    }

    [Fact]
    public void A_model_that_does_not_fit_is_refused_up_front_with_needed_and_available()
    {
        // 65 TB of KV pool: more than any machine, so the refusal holds wherever CI runs, and nothing is allocated.
        var outcome = CliRunner.Run("run", "--executor", "kernels", "--backend", "simd", "--model", "tiny-moe", "--prompt-tokens", "16",
            "--requests", "1", "--kv-blocks", "2000000000");
        Assert.True(outcome.ExitCode == 2, outcome.StdErr);
        Assert.Matches(@"^error: --model tiny-moe: needs [\d.]+ GB \(weights \+ KV pool\) on simd but CPU, \d+ threads has [\d.]+ GB available; try --layers or fewer --kv-blocks$",
            Assert.Single(outcome.ErrorLines));
    }
}
