using LayeredPrefill.Cli.Gpu;
using LayeredPrefill.Reporting.Gpu;

namespace LayeredPrefill.Tests.Cli.Gpu;

/// <summary>gpu-report: reading a GPU call's files and plotting them.</summary>
public sealed class GpuReportTests : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("lp-gpureport-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    private static string H200 => Path.Combine(Fixture.RepositoryRoot(), "results", "gpu", "h200");

    [Fact]
    public void The_peer_log_gives_the_card_its_ceilings_and_every_row()
    {
        string path = Path.Combine(_tmp, "peer.log");
        File.WriteAllLines(path,
        [
            "some warning from torch",
            "NVIDIA H100 80GB HBM3  read 3.08 TB/s  copy 2.44 TB/s (read+write)  bf16 GEMM 795 TF/s",
            "     T experts  triton_us   TB/s   TF/s grouped_us   TB/s   TF/s",
            "     1       8       47.5   1.59      2       58.5   1.29      1",
            "  8192     128     1581.4   0.76    391     1449.2   0.83    427",
        ]);
        var (ceilings, rows) = GpuRunFiles.ReadPeerLog(path);
        Assert.Equal("NVIDIA H100 80GB HBM3", ceilings.Card);
        Assert.Equal(3.08, ceilings.ReadTerabytesPerSecond);
        Assert.Equal(795, ceilings.GemmTeraflopsPerSecond);
        Assert.Equal([new PeerTiming(1, 47.5, 58.5), new PeerTiming(8192, 1581.4, 1449.2)], rows);
        Assert.Equal(1449.2, rows[1].BestMicros);
    }

    [Theory]
    [InlineData("no ceilings here\n  1  8  47.5 1.59 2 58.5 1.29 1")]
    [InlineData("GPU  read 3.08 TB/s  copy 2.44 TB/s  bf16 GEMM 795 TF/s\nno rows")]
    public void A_log_without_ceilings_or_rows_is_a_user_error(string text)
    {
        string path = Path.Combine(_tmp, "peer.log");
        File.WriteAllText(path, text);
        var e = Assert.Throws<UserInputException>(() => GpuRunFiles.ReadPeerLog(path));
        Assert.Contains("peer.log", e.Message);
    }

    [Fact]
    public void The_committed_h200_results_render_every_plot_the_table_and_an_index()
    {
        var images = GpuReport.Render(H200, _tmp);
        Assert.Equal(["layer-time", "ratio-to-peer", "bandwidth", "teraflops", "calibration-iterations"],
            images.Select(i => Path.GetFileNameWithoutExtension(i.PngPath)));
        foreach (var image in images)
        {
            var png = File.ReadAllBytes(image.PngPath);
            Assert.True(png.Length > 10_000 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', image.PngPath);
            Assert.Contains("<svg", File.ReadAllText(image.SvgPath));
        }
        string index = File.ReadAllText(Path.Combine(_tmp, "README.md"));
        Assert.All(images, i => Assert.Contains($"]({Path.GetFileName(i.PngPath)})", index));
        // The table's ratios are the bench and peer files' own numbers: ours ÷ the faster peer, batch by batch.
        var table = GpuResultFile.Load<MoeLayerTable>(Path.Combine(_tmp, "moe-layer.json"));
        var ours = GpuRunFiles.ReadBench(Path.Combine(H200, "moe.json"));
        var peers = GpuRunFiles.ReadPeerLog(Path.Combine(H200, "peers.log")).Rows;
        Assert.Equal(peers.Select(p => p.Tokens), table.Rows.Select(r => r.Tokens));
        foreach (var r in table.Rows)
            Assert.Equal(ours.Single(t => t.Tokens == r.Tokens).MoeMicros / peers.Single(p => p.Tokens == r.Tokens).BestMicros, r.RatioToBestPeer, 12);
        Assert.Equal("NVIDIA H200", table.Card);
    }

    [Fact]
    public void A_folder_without_the_bench_file_is_a_user_error()
    {
        var e = Assert.Throws<UserInputException>(() => GpuReport.Render(_tmp, Path.Combine(_tmp, "plots")));
        Assert.Contains("moe.json", e.Message);
    }
}
