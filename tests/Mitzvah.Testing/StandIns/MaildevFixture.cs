using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Mitzvah.Testing.StandIns;

/// <summary>
/// One maildev (a real SMTP server with a REST API over what it received) for the test run, on 127.0.0.1 and free
/// ports; CI starts one and shares it through <c>MITZVAH_TEST_MAILDEV_SMTP_URL</c> and <c>MITZVAH_TEST_MAILDEV_API_URL</c>.
/// Tests tell their mails apart by recipient or subject, never by clearing the server.
/// </summary>
public sealed class MaildevFixture : IAsyncLifetime
{
    public const string SmtpUrlVariable = "MITZVAH_TEST_MAILDEV_SMTP_URL";
    public const string ApiUrlVariable = "MITZVAH_TEST_MAILDEV_API_URL";

    private NodeServer? _web;

    public string SmtpHost { get; private set; } = "127.0.0.1";

    public int SmtpPort { get; private set; }

    public HttpClient Api { get; } = new();

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(SmtpUrlVariable) is { Length: > 0 } smtpUrl)
        {
            // The API URL comes through NodeServer's own variable check below.
            var url = new Uri(smtpUrl);
            SmtpHost = url.Host;
            SmtpPort = url.Port;
        }
        else
        {
            SmtpPort = FreePort();
        }

        _web = await NodeServer.StartAsync(
            ApiUrlVariable,
            "maildev/dist/bin/maildev.js",
            ["--smtp", SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ip", "127.0.0.1", "--web", "{port}", "--web-ip", "127.0.0.1"],
            TimeSpan.FromSeconds(60),
            otherPorts: [SmtpPort]);
        Api.BaseAddress = _web.BaseUrl;
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        if (_web is not null)
        {
            await _web.DisposeAsync();
        }
    }

    /// <summary>The settings of a host that mails through this maildev (no TLS, no login), by their variable names.</summary>
    public IReadOnlyDictionary<string, string?> HostSettings(string from = "Daily Mitzvah <mitzvah@example.org>") => new Dictionary<string, string?>
    {
        ["SMTP_HOST"] = SmtpHost,
        ["SMTP_PORT"] = SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["SMTP_SECURITY"] = "none",
        ["MAIL_FROM"] = from,
    };

    /// <summary>Waits until maildev holds <paramref name="count"/> mails matching <paramref name="match"/>, and returns them.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForMailsAsync(Func<JsonElement, bool> match, int count = 1)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var all = await Api.GetFromJsonAsync<JsonElement[]>("/api/email", guard.Token) ?? [];
            var found = all.Where(match).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            // maildev stores a mail just after it answered the sender; each request is the wait until it has.
        }
    }

    /// <summary>The raw message maildev received, headers and all.</summary>
    public Task<string> SourceAsync(string id) => Api.GetStringAsync(new Uri($"/api/email/{id}/source", UriKind.Relative));

    /// <summary>Whether a maildev mail went to <paramref name="address"/>.</summary>
    public static bool IsTo(JsonElement mail, string address) =>
        mail.GetProperty("to").EnumerateArray().Any(to => string.Equals(to.GetProperty("address").GetString(), address, StringComparison.OrdinalIgnoreCase));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
