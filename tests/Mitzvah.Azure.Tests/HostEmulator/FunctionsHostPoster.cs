using Mitzvah.Testing.StandIns;

namespace Mitzvah.Azure.Tests.HostEmulator;

/// <summary>
/// Delivers the Twilio stand-in's webhooks through the Functions host emulator, as Azure's front end hands Twilio's
/// POSTs to the worker: the URL must be the host's public one (<see cref="FunctionsHostEmulator.PublicBaseUrl"/>).
/// </summary>
internal sealed class FunctionsHostPoster : IWebhookPoster
{
    /// <summary>The host to post through; set once it has started (the stand-in starts first, for its URL).</summary>
    public FunctionsHostEmulator? Host { get; set; }

    public async Task<WebhookAnswer> PostAsync(WebhookPost post, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(post);
        var host = Host ?? throw new InvalidOperationException("The Functions host has not started.");
        if (!string.Equals(post.Url.GetLeftPart(UriPartial.Authority), FunctionsHostEmulator.PublicBaseUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The host serves {FunctionsHostEmulator.PublicBaseUrl}, not {post.Url}.");
        }

        var response = await host.SendAsync(new EmulatedHttpRequest
        {
            Method = "POST",
            PathAndQuery = post.Url.PathAndQuery.TrimStart('/'),
            ContentType = WebhookPost.ContentType,
            Body = post.Body,
            Headers = [new(WebhookPost.SignatureHeader, post.Signature)],
        }).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new WebhookAnswer { StatusCode = response.StatusCode, Body = response.Body };
    }
}
