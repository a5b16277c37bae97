namespace Mitzvah.Testing.StandIns;

/// <summary>
/// How <see cref="LoopbackTwilio"/> delivers the webhooks it makes (status callbacks, inbound messages) to the app:
/// over HTTP by default (<see cref="HttpWebhookPoster"/>), or through a host that is not a plain HTTP server (a
/// Functions host emulator, a Lambda front end) by a poster that translates the request for it.
/// </summary>
/// <remarks>Called concurrently; implementations must be thread-safe.</remarks>
public interface IWebhookPoster
{
    /// <summary>Posts <paramref name="post"/> and returns what the app answered; throws if it could not be delivered.</summary>
    Task<WebhookAnswer> PostAsync(WebhookPost post, CancellationToken cancellationToken = default);
}
