using System.CommandLine;
using LayeredPrefill.Cli.Commands;

var root = new RootCommand("Layered vs chunked prefill for MoE serving");
root.Subcommands.Add(GpuPtxCommand.Create());
root.Subcommands.Add(GpuMoeBenchCommand.Create());
root.Subcommands.Add(GpuServeMoeCommand.Create());
root.Subcommands.Add(CalibrateCommand.Create());
return root.Parse(args).Invoke();
