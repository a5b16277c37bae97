using System.Text;

namespace Mitzvah.Testing.StandIns;

/// <summary>Posts webhooks over real HTTP to their URL, as Twilio does; one connection pool for all posts.</summary>
/// <remarks>
/// Only loopback URLs (127.0.0.1, localhost) are posted to; any other host is refused without a connection, so a
/// test whose messages name a made-up public callback URL never reaches outside the machine.
/// </remarks>
public sealed class HttpWebhookPoster : IWebhookPoster, IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <inheritdoc />
    public async Task<WebhookAnswer> PostAsync(WebhookPost post, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(post);
        if (!post.Url.IsLoopback)
        {
            throw new InvalidOperationException($"Only loopback addresses are posted to, not {post.Url.Host}.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, post.Url)
        {
            Content = new StringContent(post.Body, Encoding.UTF8, WebhookPost.ContentType),
        };
        request.Headers.TryAddWithoutValidation(WebhookPost.SignatureHeader, post.Signature);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return new WebhookAnswer
        {
            StatusCode = (int)response.StatusCode,
            Body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false),
        };
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
