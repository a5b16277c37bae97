namespace Mitzvah.Testing.StandIns;

/// <summary>What the app answered to a <see cref="WebhookPost"/>.</summary>
public sealed record WebhookAnswer
{
    /// <summary>The HTTP status code.</summary>
    public required int StatusCode { get; init; }

    /// <summary>The response body.</summary>
    public required string Body { get; init; }

    /// <summary>2xx, which is what Twilio counts as answered.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
