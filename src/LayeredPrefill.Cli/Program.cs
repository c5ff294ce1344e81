using LayeredPrefill.Cli;
using LayeredPrefill.Cli.Commands;

return await CliHost.InvokeAsync(CliRoot.Create(), args);
