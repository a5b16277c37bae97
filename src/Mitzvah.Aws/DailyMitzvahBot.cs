using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Sending;

namespace Mitzvah.Aws;

/// <summary>
/// Lambda handler of the daily run (<c>Mitzvah.Aws::Mitzvah.Aws.DailyMitzvahBot::Handle</c>). Accepts:
/// <list type="bullet">
/// <item>the EventBridge Scheduler input <c>{"scheduledTime":"…"}</c> (or <c>{}</c>): today's run, for the date in
/// the send zone at the scheduled time;</item>
/// <item>a direct invoke <c>{"test_date":"yyyy-MM-dd","test_recipient":"+1…","dry_run":true}</c>, every field
/// optional;</item>
/// <item>a Function URL request (payload 2.0): the manual trigger, served by Core's <see cref="SendEndpoint"/>.</item>
/// </list>
/// Returns the run summary as JSON (for a Function URL, inside the Function URL response).
/// </summary>
public sealed class DailyMitzvahBot : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly DailySendService _send;
    private readonly SendEndpoint _endpoint;
    private readonly IPhoneNumberNormalizer _phones;

    /// <summary>Cold start: reads the environment and fails with a message naming any missing or bad variable.</summary>
    public DailyMitzvahBot()
        : this(new ConfigurationBuilder().AddEnvironmentVariables().Build(), null)
    {
    }

    internal DailyMitzvahBot(IConfiguration configuration, Action<IServiceCollection>? overrides)
    {
        _services = LambdaServices.Build(configuration, overrides);
        _send = _services.GetRequiredService<DailySendService>();
        _endpoint = _services.GetRequiredService<SendEndpoint>();
        _phones = _services.GetRequiredService<IPhoneNumberNormalizer>();
    }

    /// <summary>Environment variables the template must set for this function.</summary>
    public static IReadOnlyList<string> RequiredSettings { get; } =
    [
        "SUBSCRIBERS_TABLE", "CONSENT_HISTORY_TABLE", "DELIVERIES_TABLE",
        "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WHATSAPP_NUMBER",
    ];

    /// <summary>Lambda entry point.</summary>
    /// <exception cref="ArgumentException">A direct invoke carries a bad field; the message says which.</exception>
    public async Task<Stream> Handle(Stream input)
    {
        using var document = await ReadAsync(input).ConfigureAwait(false);
        var root = document.RootElement;
        if (FunctionUrlRequest.IsHttp(root))
        {
            EndpointResponse response;
            try
            {
                response = await _endpoint.HandleAsync(FunctionUrlRequest.ToEndpointRequest(root, publicUrl: null)).ConfigureAwait(false);
            }
            catch (FormatException)
            {
                response = EndpointResponse.Error(400, "The request body is not valid base64.");
            }

            return FunctionUrlRequest.ToResponse(response);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The event must be a JSON object: {\"scheduledTime\": …}, {\"test_date\": …} or a Function URL request.", nameof(input));
        }

        var summary = await _send.RunAsync(ToSendRequest(root)).ConfigureAwait(false);
        return new MemoryStream(Encoding.UTF8.GetBytes(summary.ToJson()));
    }

    /// <inheritdoc />
    public void Dispose() => _services.Dispose();

    private static async Task<JsonDocument> ReadAsync(Stream input)
    {
        using var buffer = new MemoryStream();
        await input.CopyToAsync(buffer).ConfigureAwait(false);
        // The Lambda console's test button and some tools send an empty payload for "no input".
        return buffer.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(buffer.ToArray());
    }

    private SendRequest ToSendRequest(JsonElement root)
    {
        DateOnly? date = null;
        if (Text(root, "test_date") is { } dateText)
        {
            date = DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                ? parsed
                : throw new ArgumentException($"test_date '{dateText}' is not a date like 2026-11-25.", nameof(root));
        }

        string? recipient = null;
        if (Text(root, "test_recipient") is { } recipientText)
        {
            recipient = _phones.Normalize(WhatsAppAddress.ToPhone(recipientText))
                ?? throw new ArgumentException("test_recipient is not a phone number; use international form like +14155552671.", nameof(root));
        }

        DateTimeOffset? scheduledTime = null;
        if (Text(root, "scheduledTime") is { } timeText)
        {
            scheduledTime = DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : throw new ArgumentException($"scheduledTime '{timeText}' is not an ISO-8601 time.", nameof(root));
        }

        var dryRun = root.TryGetProperty("dry_run", out var flag) && flag.ValueKind == JsonValueKind.True;
        return new SendRequest(date, recipient, dryRun, scheduledTime);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!.Trim()
            : null;
}
