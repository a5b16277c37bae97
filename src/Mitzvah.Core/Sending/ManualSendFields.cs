using System.Globalization;
using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Sending;

/// <summary>
/// Reads the operator's overrides of a run, <c>test_date</c> and <c>test_recipient</c>, the same way for every
/// trigger (the HTTP manual trigger, a Lambda direct invoke), with the same messages for bad values.
/// </summary>
public static class ManualSendFields
{
    /// <summary>Parses <c>test_date</c> (yyyy-MM-dd); <paramref name="error"/> says what is wrong otherwise.</summary>
    public static bool TryParseDate(string text, out DateOnly date, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ok = DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
        error = ok ? null : $"test_date '{text}' is not a date like 2026-11-25.";
        return ok;
    }

    /// <summary>
    /// Normalises <c>test_recipient</c> (with or without <c>whatsapp:</c>) to E.164; <paramref name="error"/> says
    /// what is wrong otherwise.
    /// </summary>
    public static bool TryParseRecipient(IPhoneNumberNormalizer phones, string text, out string? phone, out string? error)
    {
        ArgumentNullException.ThrowIfNull(phones);
        ArgumentNullException.ThrowIfNull(text);
        phone = phones.Normalize(WhatsAppAddress.ToPhone(text.Trim()));
        error = phone is null ? "test_recipient is not a phone number; use international form like +14155552671." : null;
        return phone is not null;
    }
}
