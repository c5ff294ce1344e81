using System.CommandLine;
using LayeredPrefill;
using LayeredPrefill.Cli.Commands;

var root = new RootCommand("Chunked vs layered prefill for MoE serving");
root.Subcommands.Add(DevicesCommand.Create());
root.Subcommands.Add(SelfTestCommand.Create());
root.Subcommands.Add(KernelBenchCommand.Create());
try
{
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (UserInputException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
