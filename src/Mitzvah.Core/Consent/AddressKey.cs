using System.Diagnostics.CodeAnalysis;
using Mitzvah.Core.Mail;

namespace Mitzvah.Core.Consent;

/// <summary>
/// The text key under which every store holds a subscriber (<see cref="Subscriber.Phone"/>) and the delivery ledger
/// holds a delivery: an E.164 number for WhatsApp, or <c>mailto:</c> and a normalised email address for mail.
/// </summary>
/// <remarks>
/// A subscriber reached on WhatsApp is keyed by its number, as every subscriber always was; one reached by email only
/// is keyed by <see cref="ForEmail"/>, so the stores' key stays the same text key. The ledger keys a mail by the
/// address it goes to, so one address gets one mail a day whichever subscriber it belongs to.
/// </remarks>
public static class AddressKey
{
    /// <summary>The prefix of an email key.</summary>
    public const string MailPrefix = "mailto:";

    /// <summary>The key of <paramref name="address"/> (normalised with <see cref="EmailAddress.Normalize"/>).</summary>
    /// <exception cref="ArgumentException">Not an email address <see cref="EmailAddress.Problem"/> accepts.</exception>
    public static string ForEmail(string address)
    {
        if (EmailAddress.Problem(address) is { } problem)
        {
            throw new ArgumentException(problem, nameof(address));
        }

        return MailPrefix + EmailAddress.Normalize(address);
    }

    /// <summary>Whether <paramref name="key"/> is an email key.</summary>
    public static bool IsEmail(string? key) => key is not null && key.StartsWith(MailPrefix, StringComparison.Ordinal);

    /// <summary>The address of an email key, or <see langword="null"/> for a phone number.</summary>
    public static string? EmailOf(string key) => IsEmail(key) ? key[MailPrefix.Length..] : null;

    /// <summary>The WhatsApp number of a phone key, or <see langword="null"/> for an email key.</summary>
    public static string? PhoneOf(string key) => IsEmail(key) ? null : key;

    /// <summary>Whether <paramref name="key"/> is an E.164 number or an email key of a normalised, valid address.</summary>
    public static bool IsValid([NotNullWhen(true)] string? key) => key switch
    {
        null => false,
        _ when IsEmail(key) => EmailOf(key) is { } address && EmailAddress.IsValid(address) && address == EmailAddress.Normalize(address),
        _ => E164.IsValid(key),
    };

    /// <summary>Throws <see cref="ArgumentException"/> unless <see cref="IsValid"/>.</summary>
    public static void ThrowIfInvalid([NotNull] string? key, string paramName)
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        if (!IsValid(key))
        {
            throw new ArgumentException(
                IsEmail(key)
                    ? $"An email key is {MailPrefix} and a lower-case email address, e.g. {MailPrefix}dina@example.org."
                    : "The phone number must be in E.164 form, e.g. +14155552671.",
                paramName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="address"/> is a valid, normalised email address.</summary>
    public static void ThrowIfInvalidEmail([NotNull] string? address, string paramName)
    {
        ArgumentNullException.ThrowIfNull(address, paramName);
        if (!IsValid(MailPrefix + address))
        {
            throw new ArgumentException("The address must be a lower-case email address without spaces, e.g. dina@example.org.", paramName);
        }
    }

    /// <summary>The consent channel a new subscriber keyed <paramref name="key"/> is recorded with: email for an email key, else WhatsApp.</summary>
    public static string ConsentChannelOf(string key) => IsEmail(key) ? ConsentNames.EmailChannel : ConsentNames.WhatsAppChannel;

}
