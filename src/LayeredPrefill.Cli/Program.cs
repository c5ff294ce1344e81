using LayeredPrefill.Cli;

return await CliHost.InvokeAsync(CliRoot.Create(), args);
