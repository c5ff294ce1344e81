using LayeredPrefill.Execution.Roofline;
using LayeredPrefill.Experiments;
using LayeredPrefill.Models;
using LayeredPrefill.Plots;
using LayeredPrefill.Reporting.Reports;
using LayeredPrefill.Serving;
using LayeredPrefill.Tests.Sweeps;

namespace LayeredPrefill.Tests.Plots;

public class PlotTests
{
    private static void AssertImage(PlotImage image, int width = PlotFile.Width, int height = PlotFile.Height)
    {
        Assert.Equal((width, height), PlotTestData.PngSize(image.PngPath));
        Assert.True(new FileInfo(image.PngPath).Length > 5000, $"{image.PngPath} looks empty");
        Assert.Contains("<svg", File.ReadAllText(image.SvgPath));
    }

    [Fact]
    public void Every_sweep_plot_renders_a_png_of_the_requested_size()
    {
        var random = new Random(new Random().Next());
        string[] policies = ["chunked-256", "chunked-1024", "layered-adaptive", "layered-g4", "prefill-first"];
        var points = PlotTestData.Fake(random, policies, [1.0, 1.5, 2.0]);
        string dir = SweepTestData.TempDir();
        AssertImage(ParetoPlot.Render(points.Where(p => p.RatePerSecond == 1.5).ToArray(), "pareto", dir, "pareto"));
        AssertImage(SloAttainmentPlot.Render(LayeredPrefill.Sweeps.SeedSpread.Of(points), policies, "slo", dir, "slo", [new ReferenceCurve("paper", "chunked-256", [1.0, 2.0], [100, 50])]));
        // Several seeds per point draw a band from the lowest to the highest.
        var seeded = points.Concat(points.Select(p => p with { Seed = 1, SloAttainment = p.SloAttainment * 0.9 })).ToArray();
        AssertImage(SloAttainmentPlot.Render(LayeredPrefill.Sweeps.SeedSpread.Of(seeded), policies, "slo band", dir, "slo-band"));
        var groups = new[] { new BarGroup("a", policies.Select(_ => random.NextDouble()).ToArray()), new BarGroup("b", policies.Select(_ => random.NextDouble()).ToArray()) };
        AssertImage(GroupedBarPlot.Render(groups, policies, "bars", "x", "y", dir, "bars"));
        var rows = ChunkSizeStudy.Run(ModelCatalog.Get("qwen3-30b-a3b"), DeviceCatalog.H100Sxm(), 2, 8192, ChunkSizeStudy.PaperChunks);
        foreach (var image in ChunkSizePlot.Render(rows, "qwen3", dir)) AssertImage(image);
    }

    [Fact]
    public void Timeline_plots_render_at_a_custom_size()
    {
        var random = new Random(new Random().Next());
        double t = 0;
        var tokens = Enumerable.Range(0, 30).Select(_ => t += random.NextDouble() / 10).ToArray();
        var request = new RequestTimeline(1, 0, 100, 30, 0, tokens, tokens[^1], 0, false);
        string dir = SweepTestData.TempDir();
        AssertImage(TokenTimelinePlot.Render([("chunked-512", request), ("layered-adaptive", request with { TokenTimesSeconds = tokens.Select(x => x * 0.8).ToArray() })], "tokens", dir, "tokens"));
        int start = 0;
        var iterations = Enumerable.Range(0, 40).Select(i =>
        {
            int g = random.Next(0, 4);
            bool prefill = g > 0;
            if (prefill) start = (start + 12) % 48;
            return new IterationRecord(i, i * 0.02, 0.018, 5, prefill ? 512 : 0, prefill ? 1 : 0, prefill ? start : -1, prefill ? start + 12 : -1, 5, 0, 0,
                global::LayeredPrefill.Execution.Traffic.Zero, 0, 0);
        }).ToArray();
        var image = IterationTimelinePlot.Render(iterations, 48, "iterations", dir, "iterations");
        AssertImage(image);
        var custom = PlotFile.Save(PlotFile.New("size", "x", "y"), dir, "custom", "custom", 640, 480);
        Assert.Equal((640, 480), PlotTestData.PngSize(custom.PngPath));
    }
}
