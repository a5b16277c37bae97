using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Mitzvah.Core.Mail;

namespace Mitzvah.Smtp;

/// <summary>
/// Sends mail over SMTP (Amazon SES, Azure Communication Services, any submission server) through one connection
/// that is opened on the first send, reused, and reopened after it breaks.
/// </summary>
/// <remarks>
/// Thread-safe: callers wait for a permit of the shared <see cref="SendRateLimiter"/>, then take turns on the
/// connection. A send that finds a reused connection closed by the server (idle timeout) reconnects and tries once
/// more; any other failure is returned as an outcome and the connection is dropped so the next send starts fresh.
/// A connection lost after the server took the message but before its reply arrived can deliver a mail twice: SMTP
/// cannot tell that case apart.
/// </remarks>
public sealed partial class SmtpMailSender : IMailSender, IAsyncDisposable, IDisposable
{
    private readonly SmtpOptions _options;
    private readonly string _host;
    private readonly MailboxAddress _from;
    private readonly TimeProvider _time;
    private readonly ILogger<SmtpMailSender> _logger;
    private readonly SendRateLimiter _rate;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private SmtpClient? _client;
    private int _disposed;

    public SmtpMailSender(IOptions<SmtpOptions> options, TimeProvider time, ILogger<SmtpMailSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _host = _options.Host ?? throw new ArgumentException($"{SmtpSettingNames.SmtpHost} is required.", nameof(options));
        _from = MailboxAddress.Parse(_options.From ?? throw new ArgumentException($"{SmtpSettingNames.MailFrom} is required.", nameof(options)));
        _time = time;
        _logger = logger;
        _rate = new SendRateLimiter(_options.RatePerSecond, time);
    }

    /// <inheritdoc />
    public string Sender => _from.Address;

    /// <inheritdoc />
    public async Task<MailSendOutcome> SendAsync(OutgoingMail mail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mail);
        if (EmailAddress.Problem(mail.To) is { } problem)
        {
            return MailSendOutcome.Failed(MailFailureKind.Permanent, null, problem);
        }

        var message = MimeMailFactory.Create(mail, _from, _time.GetUtcNow());
        await _rate.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var reused = _client is { IsConnected: true };
                try
                {
                    var client = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
                    var reply = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
                    var messageId = message.MessageId ?? string.Empty;
                    LogAccepted(EmailMask.Mask(mail.To), messageId, reply);
                    return MailSendOutcome.Sent(messageId);
                }
                catch (Exception exception) when (exception is not OperationCanceledException && SmtpFailures.Classify(exception) is { } outcome)
                {
                    // A command refusal leaves the session usable; anything else may have left it half-way.
                    if (exception is not SmtpCommandException)
                    {
                        await DropAsync().ConfigureAwait(false);
                    }

                    if (reused && attempt == 1 && outcome.Failure == MailFailureKind.Transient && exception is not SmtpCommandException)
                    {
                        LogReconnecting(exception.GetType().Name);
                        continue;
                    }

                    // Servers quote the refused address in their reply; the log gets it masked.
                    var masked = EmailMask.Mask(mail.To);
                    LogFailed(masked, outcome.Failure, outcome.StatusCode, outcome.Detail?.Replace(mail.To, masked, StringComparison.OrdinalIgnoreCase));
                    return outcome;
                }
                catch (OperationCanceledException)
                {
                    await DropAsync().ConfigureAwait(false);
                    throw;
                }
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _turn.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_client is { IsConnected: true } client)
            {
                try
                {
                    await client.DisconnectAsync(quit: true).ConfigureAwait(false);
                }
                catch (Exception exception) when (SmtpFailures.Classify(exception) is not null)
                {
                    // Closing anyway.
                }
            }

            _client?.Dispose();
            _client = null;
        }
        finally
        {
            _turn.Release();
        }

        _turn.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<SmtpClient> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true } connected)
        {
            return connected;
        }

        _client?.Dispose();
        var client = new SmtpClient { Timeout = (int)_options.CommandTimeout.TotalMilliseconds };
        _client = client;
        var security = _options.Security switch
        {
            SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        // Nagle's algorithm holds back the small writes of a session (each command, the end of the data) until the
        // server's delayed acknowledgement: some 40 ms per mail. Commands go out at once instead.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_host, _options.Port, cancellationToken).ConfigureAwait(false);
            await client.ConnectAsync(socket, _host, _options.Port, security, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        if (_options.Username is { } username)
        {
            await client.AuthenticateAsync(username, _options.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
        }

        LogConnected(_host, _options.Port, _options.Security);
        return client;
    }

    private async Task DropAsync()
    {
        if (_client is null)
        {
            return;
        }

        try
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(quit: false).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (SmtpFailures.Classify(exception) is not null)
        {
            // The connection is being thrown away anyway.
        }

        _client.Dispose();
        _client = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to SMTP server {Host}:{Port} ({Security})")]
    private partial void LogConnected(string host, int port, SmtpSecurity security);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail to {To} accepted as {MessageId}: {Reply}")]
    private partial void LogAccepted(string to, string messageId, string reply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail to {To} not accepted ({Failure}, {StatusCode}): {Detail}")]
    private partial void LogFailed(string to, MailFailureKind? failure, int? statusCode, string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "The reused SMTP connection failed ({Error}); reconnecting once")]
    private partial void LogReconnecting(string error);
}
