using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mitzvah.Core;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Sending;

namespace Mitzvah.Aws;

/// <summary>
/// Lambda handler of the daily run (<c>Mitzvah.Aws::Mitzvah.Aws.DailyMitzvahBot::Handle</c>). Accepts:
/// <list type="bullet">
/// <item>the EventBridge Scheduler input <c>{"scheduledTime":"…"}</c> (or <c>{}</c>): today's run, for the date in
/// the send zone at the scheduled time;</item>
/// <item>a direct invoke <c>{"test_date":"yyyy-MM-dd","test_recipient":"+1…","dry_run":true}</c>, every field
/// optional (any other field is refused, so a misspelt test field never sends to everyone);</item>
/// <item>a Function URL request (payload 2.0): the manual trigger, served by Core's <see cref="SendEndpoint"/>.</item>
/// </list>
/// Returns the run summary as JSON (for a Function URL, inside the Function URL response).
/// </summary>
public sealed class DailyMitzvahBot : IDisposable
{
    private static readonly string[] EventFields = ["scheduledTime", "test_date", "test_recipient", "dry_run"];

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
        SettingNames.SubscribersTable, SettingNames.ConsentHistoryTable, SettingNames.DeliveriesTable,
        SettingNames.TwilioAccountSid, SettingNames.TwilioAuthToken, SettingNames.TwilioWhatsAppNumber,
    ];

    /// <summary>Lambda entry point.</summary>
    /// <exception cref="ArgumentException">
    /// A scheduler or direct-invoke event is not JSON, has an unknown field or a bad value; the message says which,
    /// and nothing is sent. (A Function URL request is answered 400 instead.)
    /// </exception>
    public async Task<Stream> Handle(Stream input)
    {
        using var document = await LambdaEvent.TryReadAsync(input).ConfigureAwait(false)
            ?? throw new ArgumentException("The event is not valid JSON.", nameof(input));
        var root = document.RootElement;
        if (FunctionUrlRequest.IsHttp(root))
        {
            return await FunctionUrlRequest.ServeAsync(root, publicUrl: null, request => _endpoint.HandleAsync(request)).ConfigureAwait(false);
        }

        var summary = await _send.RunAsync(ToSendRequest(root)).ConfigureAwait(false);
        return new MemoryStream(Encoding.UTF8.GetBytes(summary.ToJson()));
    }

    /// <inheritdoc />
    public void Dispose() => _services.Dispose();

    private SendRequest ToSendRequest(JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The event must be a JSON object: {\"scheduledTime\": …}, {\"test_date\": …} or a Function URL request.", nameof(input));
        }

        // A misspelt test field must not turn an operator's test into a send to every subscriber.
        foreach (var property in input.EnumerateObject())
        {
            if (!EventFields.Contains(property.Name))
            {
                throw new ArgumentException(
                    $"The event has an unknown field '{property.Name}'; use {string.Join(", ", EventFields)}.", nameof(input));
            }
        }

        DateOnly? date = null;
        if (Text(input, "test_date") is { } dateText)
        {
            date = ManualSendFields.TryParseDate(dateText, out var parsed, out var error) ? parsed : throw new ArgumentException(error, nameof(input));
        }

        string? recipient = null;
        if (Text(input, "test_recipient") is { } recipientText && !ManualSendFields.TryParseRecipient(_phones, recipientText, out recipient, out var recipientError))
        {
            throw new ArgumentException(recipientError, nameof(input));
        }

        DateTimeOffset? scheduledTime = null;
        if (Text(input, "scheduledTime") is { } timeText)
        {
            scheduledTime = DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : throw new ArgumentException($"scheduledTime '{timeText}' is not an ISO-8601 time.", nameof(input));
        }

        var dryRun = input.TryGetProperty("dry_run", out var flag) ? flag.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw new ArgumentException("dry_run must be true or false.", nameof(input)),
        } : false;
        return new SendRequest(date, recipient, dryRun, scheduledTime);
    }

    /// <summary>A text field, trimmed; <see langword="null"/> when absent, null or blank.</summary>
    private static string? Text(JsonElement input, string name)
    {
        if (!input.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new ArgumentException($"{name} must be a string.", nameof(input));
        }

        return string.IsNullOrWhiteSpace(value.GetString()) ? null : value.GetString()!.Trim();
    }
}
