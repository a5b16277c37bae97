using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mitzvah.Smtp.Tests;

/// <summary>
/// A minimal SMTP server on 127.0.0.1 for the answers maildev never gives: it refuses chosen recipients with a 550,
/// and can hang up after each accepted mail, as a server closing an idle connection does.
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;
    private int _accepted;
    private int _logins;

    public ScriptedSmtpServer(IEnumerable<string>? refused = null, bool hangUpAfterEachMail = false, (string User, string Password)? login = null)
    {
        Login = login;
        Refused = new HashSet<string>(refused ?? [], StringComparer.OrdinalIgnoreCase);
        HangUpAfterEachMail = hangUpAfterEachMail;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlySet<string> Refused { get; }

    public bool HangUpAfterEachMail { get; }

    /// <summary>When set, AUTH PLAIN is offered and only these credentials are accepted.</summary>
    public (string User, string Password)? Login { get; }

    public int Logins => Volatile.Read(ref _logins);

    public int Connections => Volatile.Read(ref _connections);

    public int AcceptedMails => Volatile.Read(ref _accepted);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 scripted ESMTP");
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO" or "HELO":
                            await writer.WriteLineAsync(Login is null ? "250 scripted" : "250-scripted\r\n250 AUTH PLAIN");
                            break;
                        case "AUTH":
                            var parts = line.Split(' ');
                            var initial = parts.Length > 2 ? parts[2] : null;
                            if (initial is null)
                            {
                                await writer.WriteLineAsync("334 ");
                                initial = await reader.ReadLineAsync(_stop.Token);
                            }

                            var plain = Encoding.UTF8.GetString(Convert.FromBase64String(initial ?? string.Empty)).Split('\0');
                            if (Login is { } login && plain.Length == 3 && plain[1] == login.User && plain[2] == login.Password)
                            {
                                Interlocked.Increment(ref _logins);
                                await writer.WriteLineAsync("235 2.7.0 Authentication successful");
                            }
                            else
                            {
                                await writer.WriteLineAsync("535 5.7.8 Authentication credentials invalid");
                            }

                            break;
                        case "RCPT":
                            var address = line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.IndexOf('>', StringComparison.Ordinal)];
                            await writer.WriteLineAsync(Refused.Contains(address)
                                ? $"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
                                : "250 2.1.5 Ok");
                            break;
                        case "DATA":
                            await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                            while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".")
                            {
                            }

                            Interlocked.Increment(ref _accepted);
                            await writer.WriteLineAsync("250 2.0.0 Ok: queued");
                            if (HangUpAfterEachMail)
                            {
                                return;
                            }

                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 2.0.0 Bye");
                            return;
                        default:
                            await writer.WriteLineAsync("250 2.0.0 Ok");
                            break;
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client or the test went away.
            }
        }
    }
}
