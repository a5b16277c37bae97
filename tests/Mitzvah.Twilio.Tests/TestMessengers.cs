using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Twilio.Tests;

/// <summary>Settings and messages shared by the messenger tests.</summary>
internal static class TestMessengers
{
    /// <summary>The sending WhatsApp number (Twilio's sandbox).</summary>
    public const string Sender = "+14155238886";

    /// <summary>A well-formed Content SID.</summary>
    public const string TemplateSid = "HX0123456789abcdef0123456789abcdef";

    /// <summary>A well-formed Messaging Service SID.</summary>
    public const string MessagingServiceSid = "MG0123456789abcdef0123456789abcdef";

    /// <summary>A Wednesday, on which a message goes out.</summary>
    public static readonly DateOnly SendDay = new(2026, 11, 25);

    private static readonly Lazy<ServiceProvider> Core = new(() => new ServiceCollection().AddMitzvahCore().BuildServiceProvider());

    /// <summary>The real message of <paramref name="date"/>, as the daily run composes it.</summary>
    public static DailyMessage MessageFor(DateOnly date)
    {
        var plan = Core.Value.GetRequiredService<DeliveryPlanner>().Plan(date);
        return Core.Value.GetRequiredService<DailyMessageComposer>().Compose(plan);
    }

    /// <summary>Options for the loopback's account, with the sandbox sender and a 10 s request timeout.</summary>
    public static TwilioOptions OptionsFor(LoopbackTwilio loopback) => new()
    {
        AccountSid = loopback.AccountSid,
        AuthToken = loopback.AuthToken,
        WhatsAppNumber = Sender,
        ApiBaseUrl = loopback.BaseUrl,
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    public static TwilioMessenger Create(TwilioOptions options) => new(Options.Create(options), NullLogger<TwilioMessenger>.Instance);
}
