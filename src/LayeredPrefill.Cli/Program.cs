using System.CommandLine;
using LayeredPrefill.Cli;
using LayeredPrefill.Cli.Commands;

var root = new RootCommand("Chunked vs layered prefill for Mixture-of-Experts serving: simulate, run kernels, compare.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(CompareCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(TracesCommand.Create());
root.Subcommands.Add(SweepCommand.Create());
root.Subcommands.Add(ReportCommand.Create());
root.Subcommands.Add(PaperCommand.Create());
root.Subcommands.Add(DevicesCommand.Create());
root.Subcommands.Add(SelfTestCommand.Create());
root.Subcommands.Add(KernelBenchCommand.Create());
return await CliHost.InvokeAsync(root, args);
