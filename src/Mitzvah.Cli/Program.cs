using Mitzvah.Cli;

return await MitzvahCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
