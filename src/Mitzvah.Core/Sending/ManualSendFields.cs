using System.Globalization;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Core.Sending;

/// <summary>
/// Reads the operator's overrides of a run, <c>test_date</c>, <c>test_recipient</c> and <c>dry_run</c>, the same way
/// for every trigger (the HTTP manual trigger, a direct function invoke, the command line), with the same sentences
/// for bad values.
/// </summary>
public static class ManualSendFields
{
    /// <summary>The study date to run for, yyyy-MM-dd.</summary>
    public const string TestDate = "test_date";

    /// <summary>The only number to send to, outside the ledger.</summary>
    public const string TestRecipient = "test_recipient";

    /// <summary>Plan and count, send nothing.</summary>
    public const string DryRun = "dry_run";

    /// <summary>The field names, for messages that list them.</summary>
    public static IReadOnlyList<string> Names { get; } = [TestDate, TestRecipient, DryRun];

    /// <summary>
    /// Reads the three fields into a request (blank fields count as absent); <paramref name="error"/> says what is
    /// wrong otherwise, and nothing may be sent then.
    /// </summary>
    public static bool TryParse(RequestFields fields, IPhoneNumberNormalizer phones, out SendRequest request, out string? error)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(phones);
        request = new SendRequest();
        DateOnly? date = null;
        if (Present(fields.Text(TestDate)) is { } dateText)
        {
            if (!TryParseDate(dateText, out var parsed, out error))
            {
                return false;
            }

            date = parsed;
        }

        string? recipient = null;
        if (Present(fields.Text(TestRecipient)) is { } recipientText && !TryParseRecipient(phones, recipientText, out recipient, out error))
        {
            return false;
        }

        var dryRun = fields.Flag(DryRun);
        if (dryRun is null && Present(fields.Text(DryRun)) is not null)
        {
            error = $"{DryRun} must be true or false.";
            return false;
        }

        request = new SendRequest(date, recipient, dryRun ?? false);
        error = null;
        return true;
    }

    /// <summary>Parses <c>test_date</c> (yyyy-MM-dd); <paramref name="error"/> says what is wrong otherwise.</summary>
    public static bool TryParseDate(string text, out DateOnly date, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ok = DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
        error = ok ? null : $"{TestDate} '{text}' is not a date like 2026-11-25.";
        return ok;
    }

    /// <summary>
    /// Normalises a recipient (with or without the <c>whatsapp:</c> channel prefix) to E.164;
    /// <paramref name="error"/> says what is wrong otherwise.
    /// </summary>
    public static bool TryParseRecipient(IPhoneNumberNormalizer phones, string text, out string? phone, out string? error)
    {
        ArgumentNullException.ThrowIfNull(phones);
        ArgumentNullException.ThrowIfNull(text);
        phone = phones.Normalize(WhatsAppAddress.ToPhone(text.Trim()));
        error = phone is null ? $"{TestRecipient} is not a phone number; use international form like +14155552671." : null;
        return phone is not null;
    }

    private static string? Present(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
