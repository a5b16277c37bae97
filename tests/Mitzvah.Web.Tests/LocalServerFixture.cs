using Mitzvah.Cli;
using Mitzvah.Core.Consent;
using Microsoft.Extensions.DependencyInjection;

namespace Mitzvah.Web.Tests;

/// <summary>
/// The real <c>mitzvah serve</c> server on a free loopback port, with its own temporary SQLite database and outbox
/// (no SMTP: mails are <c>.eml</c> files in <see cref="MailFolder"/>).
/// </summary>
public sealed class LocalServerFixture : IOptInPageHost, IAsyncLifetime
{
    public const string WhatsAppNumber = "+14155550100";

    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"mitzvah-web-{Guid.NewGuid():N}.db");
    private readonly string _outbox = Path.Combine(Path.GetTempPath(), $"mitzvah-web-outbox-{Guid.NewGuid():N}");
    private LocalServer? _server;

    public Uri BaseAddress => Server.BaseAddress;

    public ISubscriberStore Store => Server.Services.GetRequiredService<ISubscriberStore>();

    /// <summary>Where the server writes its mails, one <c>.eml</c> file each, under a folder per day.</summary>
    public string MailFolder => Path.Combine(_outbox, "mail");

    private LocalServer Server => _server ?? throw new InvalidOperationException("The server has not been started.");

    public async Task InitializeAsync()
    {
        var configuration = CliServices.Configuration(new Dictionary<string, string?>
        {
            ["TWILIO_WHATSAPP_NUMBER"] = WhatsAppNumber,
            ["MITZVAH_OUTBOX"] = _outbox,

            // The class's tests share the server and its client address; the limit has a test of its own.
            ["MITZVAH_WEB_OPTINS_PER_HOUR"] = "1000",
        });
        _server = await LocalServer.StartAsync(configuration, _databasePath, port: 0, TextWriter.Null);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm", _databasePath + ".mail-secret" })
        {
            File.Delete(file);
        }

        if (Directory.Exists(_outbox))
        {
            Directory.Delete(_outbox, recursive: true);
        }
    }
}
