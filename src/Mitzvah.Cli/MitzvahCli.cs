using System.CommandLine;
using Microsoft.Extensions.Options;
using Mitzvah.Cli.Commands;
using Mitzvah.Core.Study;

namespace Mitzvah.Cli;

/// <summary>The <c>mitzvah</c> command line: parses arguments, runs a command, maps failures to exit codes.</summary>
/// <remarks>Exit codes: 0 success, 1 the job failed, 2 bad arguments or settings (one line on stderr, nothing on stdout).</remarks>
public static class MitzvahCli
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var database = new Option<string?>("--db")
        {
            Description = $"SQLite database file (default: ${CliServices.DatabaseVariable}, else {CliServices.DefaultDatabase} in the working directory).",
            HelpName = "path",
            Recursive = true,
        };
        var root = new RootCommand("Mitzvah: the daily Sefer HaMitzvos study, delivered on WhatsApp.")
        {
            database,
            AwsCommand.Create(stdout, stderr),
            PreviewCommand.Create(stdout),
            ReportCommand.Create(stdout, stderr, database),
            ScheduleCommand.Create(stdout),
            SendCommand.Create(stdout, stderr, database, terminal: ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected),
            ServeCommand.Create(stdout, stderr, database),
            SubscribersCommand.Create(stdout, stderr, database),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var command = parse.CommandResult.Command;
            var name = command == root ? "mitzvah" : $"mitzvah {command.Name}";
            await stderr.WriteLineAsync($"mitzvah: {parse.Errors[0].Message} (see '{name} --help')").ConfigureAwait(false);
            return UsageError;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (CliUsageException e)
        {
            await stderr.WriteLineAsync($"mitzvah: {e.Message}").ConfigureAwait(false);
            return UsageError;
        }
        catch (StudyDateOutOfRangeException e)
        {
            await stderr.WriteLineAsync($"mitzvah: {e.Message}").ConfigureAwait(false);
            return UsageError;
        }
        catch (OptionsValidationException e)
        {
            await stderr.WriteLineAsync($"mitzvah: bad setting: {string.Join(" ", e.Failures)}").ConfigureAwait(false);
            return UsageError;
        }
    }
}
