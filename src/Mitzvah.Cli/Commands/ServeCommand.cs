using System.CommandLine;
using System.Globalization;

namespace Mitzvah.Cli.Commands;

/// <summary><c>mitzvah serve</c>: the consent endpoint and opt-in page on 127.0.0.1 until Ctrl+C or SIGTERM.</summary>
/// <remarks>On a stop signal the server stops accepting connections and answers the requests in flight before the process exits.</remarks>
internal static class ServeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Option<string?> database)
    {
        var port = new Option<int>("--port")
        {
            Description = "TCP port on 127.0.0.1 (0 picks a free one).",
            DefaultValueFactory = _ => CliServices.DefaultPort,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 65535)
                {
                    return value;
                }

                result.AddError($"--port: '{text}' is not a port number (0-65535).");
                return 0;
            },
        };
        var command = new Command("serve", "Serve the consent endpoint (/api/consent) and the opt-in page (/) on 127.0.0.1.") { port };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = CliServices.Configuration();
            var databasePath = CliServices.DatabasePath(parse.GetValue(database), configuration);
            LocalServer server;
            try
            {
                server = await LocalServer.StartAsync(configuration, databasePath, parse.GetValue(port), stderr, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                await stderr.WriteLineAsync($"mitzvah: cannot listen on 127.0.0.1:{parse.GetValue(port)}: {e.Message}").ConfigureAwait(false);
                return MitzvahCli.Failure;
            }

            await using var running = server.ConfigureAwait(false);
            await stdout.WriteLineAsync($"Listening on {server.BaseAddress} (consent endpoint {server.ConsentUrl}); press Ctrl+C to stop.").ConfigureAwait(false);
            await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            // Ctrl+C and SIGTERM reach the server's lifetime, which keeps the process up until the server has stopped;
            // the token is for callers that run the command in-process.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, server.Stopping);
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
            await stdout.WriteLineAsync("Stopping: answering the requests in flight, then exiting.").ConfigureAwait(false);
            await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            return MitzvahCli.Success;
        });
        return command;
    }
}
