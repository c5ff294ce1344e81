using LayeredPrefill.Execution.Calibration;
using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Kernels.Scenarios;
using LayeredPrefill.Models;
using LayeredPrefill.Reporting.Gpu;
using LayeredPrefill.Scheduling;

namespace LayeredPrefill.Tests.Execution.Calibration;

/// <summary>The GPU calibration fit, on samples a known profile would have produced: it must price them back.</summary>
public sealed class GpuCalibrationTests
{
    private static readonly MoeModel Model = ModelCatalog.Get("qwen3-30b-a3b");

    // What the GPU backend's profile would have measured if the roofline with `truth` were the GPU: each roofline op's time
    // under the kernel name the backend marks for it.
    private static IterationSample Sample(string scenario, IterationPlan plan, DeviceProfile truth, double hostSeconds)
    {
        var ops = new List<RooflineOp>();
        using var ex = new RooflineExecutor(Model, truth, 1, UniformRouting.Instance) { Observer = ops.Add };
        double duration = ex.Execute(plan).DurationSeconds;
        var measured = new Dictionary<string, double>();
        void Add(string k, double s) => measured[k] = measured.GetValueOrDefault(k) + s;
        bool afterLayers = false;
        foreach (var g in ops.GroupBy(o => o.Layer))
        {
            if (g.Key >= 0) afterLayers = true;
            int dense = 0;
            foreach (var o in g)
                switch (o.Class)
                {
                    case OpClass.Elementwise: Add(o.Layer >= 0 ? "attn-norm" : afterLayers ? "lm-head" : "embed", o.Seconds); break;
                    case OpClass.DenseGemm: Add(dense++ == 0 ? "qkv-proj" : "o-proj", o.Seconds); break;
                    case OpClass.Attention: Add("attention", o.Seconds); break;
                    case OpClass.Router: Add("router-gemm", o.Seconds); break;
                    case OpClass.ExpertGemm: Add("gate-up", o.Seconds); break;
                    case OpClass.LmHead: Add("lm-head", o.Seconds); break;
                }
        }
        return new IterationSample(scenario, 0, PlanSample.Of(plan), duration + hostSeconds, duration, hostSeconds, 0, 0, 0, measured, []);
    }

    private static CalibrationSamples Samples(DeviceProfile truth, double hostSeconds)
    {
        int layers = Model.Layers;
        var decodes = Enumerable.Range(0, 64).Select(i => new DecodeEntry(i, 2048)).ToArray();
        var list = new List<IterationSample>();
        foreach (int b in new[] { 1, 2, 4, 8, 16, 32, 64 })
            list.Add(Sample($"decode {b}", IterationScenarios.Decode(layers, decodes[..b]), truth, hostSeconds));
        foreach (var (start, count) in new[] { (0, 16), (0, 64), (0, 256), (0, 512), (2048, 512), (8192, 512), (0, 2048), (0, 8192) })
            list.Add(Sample($"chunk {count} after {start}", new IterationPlan(0, layers, [],
                [new PrefillEntry(IterationScenarios.PromptRequestId, start, count, LayerRange.All(layers), true)], []), truth, hostSeconds));
        foreach (var plan in IterationScenarios.Layered(layers, 8192, 16, decodes[..16]))
            list.Add(Sample("layered 8192 with 16 decodes", plan, truth, hostSeconds));
        return new CalibrationSamples(new GpuCard("test card", "0", "2026-12-02"), Model.Name, 1, 4e12, list);
    }

    [Fact]
    public void Samples_a_profile_produced_are_priced_back_by_the_fitted_profile_held_out_iterations_too()
    {
        var truth = DeviceCatalog.Get("h200");
        var fit = GpuCalibration.Fit(Samples(truth, 0), Model, truth, "fitted", "test");
        var held = fit.Iterations.Where(p => p.HeldOut).ToList();
        Assert.Equal(16, held.Count);
        Assert.All(fit.Iterations, p => Assert.True(Math.Abs(p.ErrorPercent) < 3, $"{p.Scenario}: {p.ErrorPercent:F2}%"));
        Assert.Contains(fit.Errors, e => e.Name == "whole iterations" && e.HeldOutSamples == 16);
        // The profile is one the simulator loads.
        string json = DeviceProfileJson.ToJson(fit.Profile);
        Assert.Equal(json, DeviceProfileJson.ToJson(DeviceProfileJson.Parse(json, "fit.json")));
    }

    [Fact]
    public void A_constant_host_time_per_iteration_becomes_the_profiles_iteration_overhead()
    {
        var truth = DeviceCatalog.Get("h200");
        var fit = GpuCalibration.Fit(Samples(truth, 2e-3), Model, truth, "fitted", "test");
        Assert.InRange(fit.Profile.Overhead!.GraphedIterationSeconds, 1.9e-3, 2.1e-3);
        Assert.All(fit.Iterations, p => Assert.True(Math.Abs(p.ErrorPercent) < 3, $"{p.Scenario}: {p.ErrorPercent:F2}%"));
    }

    [Fact]
    public void A_slower_profile_is_off_by_what_it_should_be()
    {
        var truth = DeviceCatalog.Get("h200");
        var samples = Samples(truth, 0);
        var fit = GpuCalibration.Fit(samples, Model, truth, "fitted", "test");
        var slower = fit.Profile with { Efficiency = fit.Profile.Efficiency.ToDictionary(kv => kv.Key, kv => kv.Value with { MemoryFraction = kv.Value.MemoryFraction / 2, ComputeFraction = kv.Value.ComputeFraction / 2 }),
            Shaped = fit.Profile.Shaped!.Select(s => s with { Efficiency = s.Efficiency with { MemoryFraction = s.Efficiency.MemoryFraction / 2, ComputeFraction = s.Efficiency.ComputeFraction / 2 } }).ToList(),
            ExpertCurve = null };
        var off = GpuCalibration.Predict(samples, Model, slower);
        Assert.True(off.Average(p => p.ErrorPercent) > 30, $"a profile at half the rates predicted only {off.Average(p => p.ErrorPercent):F1}% slower");
    }
}
