using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mitzvah.Core;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Sending;
using Mitzvah.DynamoDb;
using Mitzvah.Twilio;

namespace Mitzvah.Aws;

/// <summary>
/// Lambda function of the daily run (<c>MITZVAH_FUNCTION=daily</c>). Accepts:
/// <list type="bullet">
/// <item>the EventBridge Scheduler input <c>{"scheduledTime":"…"}</c> (or <c>{}</c>): today's run, for the date in
/// the send zone at the scheduled time;</item>
/// <item>a direct invoke <c>{"test_date":"yyyy-MM-dd","test_recipient":"+1…","dry_run":true}</c>, every field
/// optional (any other field is refused, so a misspelt test field never sends to everyone);</item>
/// <item>a Function URL request (payload 2.0): the manual trigger, served by Core's router (the URL's root is <see cref="RoutePaths.Send"/>).</item>
/// </list>
/// Returns the run summary as JSON (for a Function URL, inside the Function URL response).
/// </summary>
public sealed class DailyMitzvahBot : ILambdaHandler
{
    private static readonly string[] EventFields = ["scheduledTime", ManualSendFields.TestDate, ManualSendFields.TestRecipient, ManualSendFields.DryRun];

    private readonly ServiceProvider _services;
    private readonly DailySendService _send;
    private readonly EndpointRouter _router;
    private readonly IPhoneNumberNormalizer _phones;
    private readonly TimeProvider _time;
    private readonly string _metricsNamespace;
    private readonly string _functionName;

    /// <summary>Cold start: fails with an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming any missing or bad setting.</summary>
    internal DailyMitzvahBot(IConfiguration configuration, Action<IServiceCollection>? overrides)
    {
        _services = LambdaServices.Build(configuration, overrides);
        _send = _services.GetRequiredService<DailySendService>();
        _router = _services.GetRequiredService<EndpointRouter>();
        _phones = _services.GetRequiredService<IPhoneNumberNormalizer>();
        _time = _services.GetRequiredService<TimeProvider>();
        _metricsNamespace = configuration.Text(EmbeddedMetrics.NamespaceSetting) ?? EmbeddedMetrics.DefaultNamespace;
        _functionName = configuration.Text("AWS_LAMBDA_FUNCTION_NAME") ?? "DailyMitzvahBot";
    }

    /// <summary>Environment variables the template must set for this function.</summary>
    public static IReadOnlyList<string> RequiredSettings { get; } =
    [
        LambdaFunctions.SettingName,
        DynamoDbSettingNames.SubscribersTable, DynamoDbSettingNames.ConsentHistoryTable, DynamoDbSettingNames.DeliveriesTable,
        TwilioSettingNames.TwilioAccountSid, TwilioSettingNames.TwilioAuthToken, TwilioSettingNames.TwilioWhatsAppNumber,
    ];

    /// <summary>Serves one invocation.</summary>
    /// <param name="input">The event.</param>
    /// <param name="context">The invocation's id and deadline: the run stops claiming recipients before it.</param>
    /// <exception cref="ArgumentException">
    /// A scheduler or direct-invoke event is not JSON, has an unknown field or a bad value; the message says which,
    /// and nothing is sent. (A Function URL request is answered 400 instead.)
    /// </exception>
    /// <exception cref="TimeoutException">
    /// The run stopped at the deadline with recipients not yet served. Failing the invocation makes Lambda retry it
    /// (an asynchronous invoke, as the scheduler's), and the retry serves the rest: the ledger keeps anyone from
    /// receiving the message twice. The summary and its metrics are written first.
    /// </exception>
    public async Task<Stream> Handle(Stream input, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var document = await LambdaEvent.TryReadAsync(input).ConfigureAwait(false)
            ?? throw new ArgumentException("The event is not valid JSON.", nameof(input));
        var root = document.RootElement;
        if (FunctionUrlRequest.IsHttp(root))
        {
            return await FunctionUrlRequest.ServeAsync(root, _router, RoutePaths.Send).ConfigureAwait(false);
        }

        var summary = await _send.RunAsync(ToSendRequest(root) with { Deadline = context.Deadline }).ConfigureAwait(false);
        EmbeddedMetrics.Write(summary, _metricsNamespace, _functionName, _time.GetUtcNow());
        if (summary.StoppedAtDeadline)
        {
            throw new TimeoutException(
                $"The run stopped before the function's deadline ({summary.Remaining} recipient(s) cut short); those still due are served by the retry or the next tick, and nobody receives the message twice.");
        }

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

        // The scheduler's time is checked but the tick runs as of now: a late or retried invocation then serves everyone
        // due by now, and never sends a message whose window (before candle lighting) closed meanwhile.
        if (Text(input, "scheduledTime") is { } timeText
            && !DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            throw new ArgumentException($"scheduledTime '{timeText}' is not an ISO-8601 time.", nameof(input));
        }

        return ManualSendFields.TryParse(RequestFields.FromJson(input), _phones, out var request, out var error)
            ? request
            : throw new ArgumentException(error, nameof(input));
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
