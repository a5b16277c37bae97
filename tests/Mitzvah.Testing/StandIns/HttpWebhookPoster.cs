using System.Text;

namespace Mitzvah.Testing.StandIns;

/// <summary>Posts webhooks over real HTTP to their URL, as Twilio does; one connection pool for all posts.</summary>
public sealed class HttpWebhookPoster : IWebhookPoster, IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <inheritdoc />
    public async Task<WebhookAnswer> PostAsync(WebhookPost post, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(post);
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
