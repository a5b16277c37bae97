using System.CommandLine;

namespace Mitzvah.Cli.Commands;

/// <summary><c>mitzvah serve</c>: the consent endpoint and opt-in page on 127.0.0.1 until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Option<string?> database)
    {
        var port = new Option<int>("--port")
        {
            Description = "TCP port on 127.0.0.1 (0 picks a free one).",
            DefaultValueFactory = _ => 7071,
        };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError("--port must be 0-65535.");
            }
        });
        var command = new Command("serve", "Serve the consent endpoint (/api/consent) and the opt-in page (/) on 127.0.0.1.") { port };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = CliServices.Configuration();
            var databasePath = CliServices.DatabasePath(parse.GetValue(database), configuration);
            await using var server = await LocalServer.StartAsync(configuration, databasePath, parse.GetValue(port), stderr, cancellationToken).ConfigureAwait(false);
            await stdout.WriteLineAsync($"Listening on {server.BaseAddress} (consent endpoint {server.ConsentUrl}); press Ctrl+C to stop.").ConfigureAwait(false);
            await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: stop cleanly.
            }

            return MitzvahCli.Success;
        });
        return command;
    }
}
