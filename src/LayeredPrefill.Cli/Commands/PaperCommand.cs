using System.CommandLine;
using LayeredPrefill.Cli.Options;
using LayeredPrefill.Plots.Reports;

namespace LayeredPrefill.Cli.Commands;

/// <summary>`paper`: the paper's experiments in simulation (both models × arXiv long and ShareGPT at the paper's rates), resumable, with a report beside the paper's numbers.</summary>
internal static class PaperCommand
{
    internal static Command Create()
    {
        var duration = new Option<double>("--duration-s") { Description = "Requests per rate point = rate × this many seconds (the paper: 600).", DefaultValueFactory = _ => 600 };
        var seed = SharedOptions.Seed("sampling and arrivals (the first, with --seeds)");
        var seeds = SharedOptions.Seeds();
        var device = new Option<string>("--device")
        {
            Description = "Device preset or profile .json (default: h100-paper-engine, the authors' engine as the paper measured it: untuned MoE tiles, FlashAttention-3 prefill, host overheads; h100-sxm is fitted to vLLM's tuned kernels).",
            DefaultValueFactory = _ => PaperReport.DefaultDevice,
        };
        var options = new ResultsOptions();
        var cmd = new Command("paper", "Reproduce the paper's SLO, vLLM and chunk-size experiments in simulation and report them beside the paper's numbers.");
        cmd.Options.Add(duration);
        cmd.Options.Add(seed);
        cmd.Options.Add(seeds);
        cmd.Options.Add(device);
        options.AddTo(cmd);
        cmd.SetAction((parse, cancel) => CliHost.GuardAsync(() =>
        {
            double seconds = parse.GetValue(duration);
            if (!(double.IsFinite(seconds) && seconds > 0)) throw new UserInputException($"--duration-s must be > 0 (got {seconds})");
            int count = parse.GetValue(seeds);
            if (count is <= 0 or > 1000) throw new UserInputException($"--seeds must be in [1, 1000] (got {count})");
            var def = PaperReport.Definition(seconds, parse.GetValue(seed), parse.GetValue(device)!, count);
            return SweepCommand.RunAndReport(def, options, parse, cancel, PaperReport.Write);
        }));
        return cmd;
    }
}
