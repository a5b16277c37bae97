using Mitzvah.Core.Sending;

namespace Mitzvah.Twilio;

/// <summary>
/// Twilio's error codes that call for more than "rejected", in Core's terms; shared by the messenger (synchronous
/// refusals) and the status callbacks (asynchronous failures), so both read a code alike.
/// </summary>
internal static class TwilioErrorCodes
{
    /// <summary>The kind of <paramref name="code"/>, or <see langword="null"/> for a code in no table.</summary>
    public static SendFailureKind? Kind(int code) => code switch
    {
        20429 => SendFailureKind.RateLimited,
        21610 => SendFailureKind.OptedOut,
        21211 or 21614 => SendFailureKind.InvalidNumber,
        63016 => SendFailureKind.TemplateRequired,
        63049 or 63032 => SendFailureKind.NotDeliveredToday,
        63018 => SendFailureKind.MessagingLimit,
        _ => null,
    };

    /// <summary>The kind of a code as Twilio's callbacks give it (text), or <see langword="null"/>.</summary>
    public static SendFailureKind? Kind(string? code) =>
        int.TryParse(code, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? Kind(number) : null;
}
