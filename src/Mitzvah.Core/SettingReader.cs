using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;

namespace Mitzvah.Core;

/// <summary>
/// Reads the flat settings of <see cref="SettingNames"/> the same way on every host: blank means unset, and a value
/// that cannot be read fails with a message naming the variable.
/// </summary>
public static class SettingReader
{
    /// <summary>The trimmed value, or <see langword="null"/> when unset or blank.</summary>
    public static string? Text(this IConfiguration configuration, string name)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[name];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>true/false (also 1/0, yes/no, on/off), or <paramref name="fallback"/> when unset.</summary>
    /// <exception cref="OptionsValidationException">The value is something else.</exception>
    public static bool Flag(this IConfiguration configuration, string name, bool fallback) => configuration.Text(name)?.ToLowerInvariant() switch
    {
        null => fallback,
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw Invalid(name, $"{name} '{configuration[name]}' is not true or false."),
    };

    /// <summary>An absolute http(s) URL, or <see langword="null"/> when unset.</summary>
    /// <exception cref="OptionsValidationException">The value is not an absolute http(s) URL.</exception>
    public static Uri? HttpUrl(this IConfiguration configuration, string name) => configuration.Text(name) switch
    {
        null => null,
        var text when Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" => url,
        var text => throw Invalid(name, $"{name} '{text}' is not an absolute http(s) URL."),
    };

    /// <summary>A whole number, or <paramref name="fallback"/> when unset.</summary>
    /// <exception cref="OptionsValidationException">The value is not a whole number.</exception>
    public static int WholeNumber(this IConfiguration configuration, string name, int fallback) => configuration.Text(name) switch
    {
        null => fallback,
        var text when int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) => value,
        var text => throw Invalid(name, $"{name} '{text}' is not a whole number."),
    };

    /// <summary>A local time of day <c>HH:mm</c> (24-hour, whole minutes), or <paramref name="fallback"/> when unset.</summary>
    /// <exception cref="OptionsValidationException">The value is not such a time.</exception>
    public static TimeOnly TimeOfDay(this IConfiguration configuration, string name, TimeOnly fallback) => configuration.Text(name) switch
    {
        null => fallback,
        var text when TimeOnly.TryParseExact(text, ["HH:mm", "H:mm"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var value) => value,
        var text => throw Invalid(name, $"{name} '{text}' is not a time of day like 10:00 or 07:30."),
    };

    /// <summary>A phone number given with or without the <c>whatsapp:</c> prefix, without it.</summary>
    public static string? WhatsAppNumber(this IConfiguration configuration, string name) =>
        WhatsAppAddress.ToPhone(configuration.Text(name));

    private static OptionsValidationException Invalid(string name, string message) =>
        new(name, typeof(IConfiguration), [message]);
}
