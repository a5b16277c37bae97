using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Core.Mail;

/// <summary>
/// The pages behind the links in mails: <see cref="RoutePaths.EmailConfirm"/> (double opt-in) and
/// <see cref="RoutePaths.Unsubscribe"/> (every mail's footer and <c>List-Unsubscribe</c> header).
/// </summary>
/// <remarks>
/// <para>
/// A GET never changes anything: it shows what the link will do and a button that POSTs it, because mail scanners
/// open links on their own. The POST acts: a confirmation, or an unsubscribe, which also answers RFC 8058's
/// one-click POST (<c>List-Unsubscribe=One-Click</c>) sent by mail clients, with no login or cookie: the signed
/// token is the only credential. Each is a consent change with the client's address and user agent as evidence.
/// </para>
/// <para>
/// Answers are small self-contained HTML pages: 200 when done (or already so), 400 for a changed or unknown link,
/// 410 for an expired confirmation, 405 for other methods, 503 where mail is not set up.
/// </para>
/// </remarks>
public sealed class EmailLinkEndpoint : IEndpointRoute
{
    private const string HtmlType = "text/html; charset=utf-8";
    private static readonly Dictionary<string, string> AllowHeader = new() { ["Allow"] = "GET, HEAD, POST" };
    private static readonly Dictionary<string, string> Private = new() { ["Cache-Control"] = "no-store", ["Referrer-Policy"] = "no-referrer" };

    private readonly EmailSubscriptions _subscriptions;
    private readonly string _service;

    /// <summary>Creates the endpoint.</summary>
    public EmailLinkEndpoint(EmailSubscriptions subscriptions, IOptions<ConsentOptions> consent)
    {
        ArgumentNullException.ThrowIfNull(consent);
        _subscriptions = subscriptions;
        _service = consent.Value.ServiceName;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Paths { get; } = [RoutePaths.EmailConfirm, RoutePaths.Unsubscribe];

    /// <inheritdoc />
    public async Task<EndpointResponse> HandleAsync(EndpointRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var confirm = string.Equals(request.Path, RoutePaths.EmailConfirm, StringComparison.Ordinal);
        var method = request.Method.ToUpperInvariant();
        if (method is not ("GET" or "HEAD" or "POST"))
        {
            return EndpointResponse.Text(405, HtmlType, Page("Not supported", $"{request.Method} is not supported here; open the link from your mail."), AllowHeader);
        }

        if (!_subscriptions.IsEnabled)
        {
            return EndpointResponse.Text(503, HtmlType, Page("Not available", EmailSubscriptions.NotAvailable), Private);
        }

        var token = TokenOf(request);
        if (method != "POST")
        {
            return confirm ? ConfirmPage(token) : UnsubscribePage(token);
        }

        if (request.Body.Length > RequestBody.MaxBytes)
        {
            return EndpointResponse.Text(413, HtmlType, Page("Too large", "The request body is larger than 64 KiB."), Private);
        }

        var evidence = new ConsentEvidence(IpAddress: request.ClientAddress, UserAgent: Truncate(request.Header("User-Agent"), 512));
        var result = confirm
            ? await _subscriptions.ConfirmAsync(token, evidence, cancellationToken).ConfigureAwait(false)
            : await _subscriptions.UnsubscribeAsync(token, evidence with { Note = OneClick(request) ? "one-click unsubscribe" : "unsubscribe page" }, cancellationToken)
                .ConfigureAwait(false);
        var title = result.Outcome switch
        {
            EmailLinkOutcome.Done or EmailLinkOutcome.AlreadyDone => confirm ? "Subscription confirmed" : "Unsubscribed",
            EmailLinkOutcome.Expired => "Link expired",
            _ => "Link not valid",
        };
        return EndpointResponse.Text(StatusOf(result.Outcome), HtmlType, Page(title, result.Message), Private);
    }

    private EndpointResponse ConfirmPage(string? token)
    {
        // Checked as the POST will check it, so an expired or changed link says so before the button.
        var check = _subscriptions.CheckConfirm(token);
        return check.Outcome is EmailLinkOutcome.Invalid or EmailLinkOutcome.Expired
            ? EndpointResponse.Text(StatusOf(check.Outcome), HtmlType, Page(check.Outcome == EmailLinkOutcome.Expired ? "Link expired" : "Link not valid", check.Message), Private)
            : EndpointResponse.Text(200, HtmlType, Page("Confirm your subscription", check.Message, ("Confirm my subscription", RoutePaths.EmailConfirm, token!)), Private);
    }

    private EndpointResponse UnsubscribePage(string? token)
    {
        var check = _subscriptions.CheckUnsubscribe(token);
        return check.Outcome == EmailLinkOutcome.Invalid
            ? EndpointResponse.Text(400, HtmlType, Page("Link not valid", check.Message), Private)
            : EndpointResponse.Text(200, HtmlType, Page("Unsubscribe", check.Message, ("Unsubscribe", RoutePaths.Unsubscribe, token!)), Private);
    }

    private static int StatusOf(EmailLinkOutcome outcome) => outcome switch
    {
        EmailLinkOutcome.Done or EmailLinkOutcome.AlreadyDone => 200,
        EmailLinkOutcome.Expired => 410,
        _ => 400,
    };

    private static string? TokenOf(EndpointRequest request) =>
        RequestBody.TryParseForm(Encoding.UTF8.GetBytes(request.QueryString), out var query) && query.TryGetValue("token", out var token) ? token : null;

    // RFC 8058's body, from a mail client; the page's own button adds via=page, so the evidence tells them apart.
    private static bool OneClick(EndpointRequest request)
    {
        var body = Encoding.UTF8.GetString(request.Body.Span);
        return body.Contains("List-Unsubscribe=One-Click", StringComparison.Ordinal) && !body.Contains("via=page", StringComparison.Ordinal);
    }

    private string Page(string title, string message, (string Label, string Path, string Token)? button = null)
    {
        var html = new StringBuilder(2048);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"robots\" content=\"noindex\">\n")
            .Append("<title>").Append(WebUtility.HtmlEncode($"{title} · {_service}")).Append("</title>\n")
            .Append("<style>body{margin:0;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:17px;line-height:1.5;}")
            .Append("main{max-width:560px;margin:0 auto;padding:24px 16px;}button{font-size:17px;padding:12px 20px;border-radius:8px;border:0;")
            .Append("background:#0b57a4;color:#fff;cursor:pointer;}</style>\n</head>\n<body>\n<main>\n")
            .Append("<h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1>\n")
            .Append("<p id=\"message\">").Append(WebUtility.HtmlEncode(message)).Append("</p>\n");
        if (button is var (label, path, token))
        {
            html.Append("<form method=\"post\" action=\"").Append(WebUtility.HtmlEncode($"{path}?token={Uri.EscapeDataString(token)}")).Append("\">\n")
                .Append("<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\n")
                .Append("<input type=\"hidden\" name=\"via\" value=\"page\">\n")
                .Append("<button type=\"submit\">").Append(WebUtility.HtmlEncode(label)).Append("</button>\n</form>\n");
        }

        return html.Append("<p><small>").Append(WebUtility.HtmlEncode(_service)).Append("</small></p>\n</main>\n</body>\n</html>\n").ToString();
    }

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}
