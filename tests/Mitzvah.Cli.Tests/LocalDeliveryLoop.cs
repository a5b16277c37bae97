using Mitzvah.Testing.StandIns;

namespace Mitzvah.Cli.Tests;

/// <summary>
/// The stand-ins of a delivery loop on one machine: Prism with Twilio's spec, the loopback Twilio in front of it, and
/// <c>mitzvah serve</c> on a database in a temporary folder of its own; all stopped and removed on dispose.
/// </summary>
internal sealed class LocalDeliveryLoop : IAsyncDisposable
{
    private NodeServer? _prism;
    private LoopbackTwilio? _twilio;
    private LocalServer? _server;

    private LocalDeliveryLoop()
    {
    }

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"mitzvah-e2e-{Guid.NewGuid():N}");

    public string Db => Path.Combine(Directory, "mitzvah.db");

    public LoopbackTwilio Twilio => _twilio ?? throw new InvalidOperationException("The loop has not started.");

    public LocalServer Server => _server ?? throw new InvalidOperationException("The loop has not started.");

    /// <summary>Starts the loop: <paramref name="twilioOptions"/> gets Prism's URL, <paramref name="serverSettings"/> the started Twilio stand-in.</summary>
    public static async Task<LocalDeliveryLoop> StartAsync(
        Func<Uri, LoopbackTwilioOptions> twilioOptions, Func<LoopbackTwilio, IReadOnlyDictionary<string, string?>> serverSettings)
    {
        var loop = new LocalDeliveryLoop();
        try
        {
            System.IO.Directory.CreateDirectory(loop.Directory);
            loop._prism = await StandInServers.StartPrismAsync();
            loop._twilio = await LoopbackTwilio.StartAsync(twilioOptions(loop._prism.BaseUrl));
            loop._server = await LocalServer.StartAsync(CliServices.Configuration(serverSettings(loop._twilio)), loop.Db, 0, TextWriter.Null);
            return loop;
        }
        catch
        {
            await loop.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_twilio is not null)
        {
            await _twilio.DisposeAsync();
        }

        if (_prism is not null)
        {
            await _prism.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
