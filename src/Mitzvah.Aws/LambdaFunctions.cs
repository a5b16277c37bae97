using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Mitzvah.Aws;

/// <summary>
/// The functions this one package serves. Lambda starts the same executable for both (<c>Handler: Mitzvah.Aws</c>);
/// the template's <c>MITZVAH_FUNCTION</c> says which one a function is.
/// </summary>
public static class LambdaFunctions
{
    /// <summary>The environment variable that selects the function.</summary>
    public const string SettingName = "MITZVAH_FUNCTION";

    /// <summary>The public consent endpoint (<see cref="ConsentHandler"/>).</summary>
    public const string Consent = "consent";

    /// <summary>The daily run and its manual trigger (<see cref="DailyMitzvahBot"/>).</summary>
    public const string Daily = "daily";

    /// <summary>The handler each value of <see cref="SettingName"/> starts.</summary>
    public static IReadOnlyDictionary<string, Type> HandlerTypes { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [Consent] = typeof(ConsentHandler),
        [Daily] = typeof(DailyMitzvahBot),
    };

    /// <summary>Cold start: the selected handler, or an <see cref="OptionsValidationException"/> naming the bad setting.</summary>
    internal static ILambdaHandler Create(IConfiguration configuration) => configuration[SettingName]?.Trim() switch
    {
        Consent => new ConsentHandler(configuration, null),
        Daily => new DailyMitzvahBot(configuration, null),
        null or "" => throw Invalid($"{SettingName} is required: {Consent} or {Daily}."),
        var other => throw Invalid($"{SettingName} '{other}' is not a function of this package; use {Consent} or {Daily}."),
    };

    private static OptionsValidationException Invalid(string message) => new(SettingName, typeof(LambdaFunctions), [message]);
}
