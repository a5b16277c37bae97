using Mitzvah.Core.Consent;

namespace Mitzvah.Testing.Contracts;

/// <summary>
/// Builds <see cref="ConsentChange"/>s with realistic evidence. Unless told otherwise a change comes from a WhatsApp
/// keyword ("START" or "STOP") at <see cref="DefaultAt"/>.
/// </summary>
public sealed class ConsentChangeBuilder
{
    /// <summary>A whole-millisecond UTC instant, so that every store returns it unchanged.</summary>
    public static readonly DateTimeOffset DefaultAt = new(2025, 3, 1, 14, 30, 15, 123, TimeSpan.Zero);

    /// <summary>The Twilio sandbox number subscribers write to.</summary>
    public const string BotNumber = "whatsapp:+14155238886";

    private readonly string _phone;
    private readonly ConsentStatus _status;
    private ConsentSource? _source;
    private ConsentEvidence? _evidence;
    private DateTimeOffset _at = DefaultAt;

    private ConsentChangeBuilder(string phone, ConsentStatus status)
    {
        _phone = phone;
        _status = status;
    }

    /// <summary>Starts a change that opts <paramref name="phone"/> in.</summary>
    public static ConsentChangeBuilder OptIn(string phone) => new(phone, ConsentStatus.OptedIn);

    /// <summary>Starts a change that opts <paramref name="phone"/> out.</summary>
    public static ConsentChangeBuilder OptOut(string phone) => new(phone, ConsentStatus.OptedOut);

    /// <summary>Starts a change to <paramref name="status"/>.</summary>
    public static ConsentChangeBuilder To(string phone, ConsentStatus status) => new(phone, status);

    /// <summary>The subscriber sent <paramref name="keyword"/> on WhatsApp.</summary>
    public ConsentChangeBuilder ViaWhatsApp(string keyword, string? messageSid = null, string to = BotNumber)
    {
        _source = ConsentSource.WhatsAppKeyword;
        _evidence = new ConsentEvidence(Keyword: keyword, MessageId: messageSid ?? NewMessageSid(), To: to);
        return this;
    }

    /// <summary>The person used the web form.</summary>
    public ConsentChangeBuilder ViaWebForm(string consentTextVersion, string ipAddress, string userAgent)
    {
        _source = ConsentSource.WebForm;
        _evidence = new ConsentEvidence(ConsentTextVersion: consentTextVersion, IpAddress: ipAddress, UserAgent: userAgent);
        return this;
    }

    /// <summary>An operator made the change.</summary>
    public ConsentChangeBuilder ByAdmin(string actor, string? note = null)
    {
        _source = ConsentSource.Admin;
        _evidence = new ConsentEvidence(Actor: actor, Note: note);
        return this;
    }

    /// <summary>The messaging provider reported a delivery problem.</summary>
    public ConsentChangeBuilder FromDelivery(string note, string actor = "twilio")
    {
        _source = ConsentSource.Delivery;
        _evidence = new ConsentEvidence(Actor: actor, Note: note);
        return this;
    }

    /// <summary>The change happened at <paramref name="at"/>.</summary>
    public ConsentChangeBuilder At(DateTimeOffset at)
    {
        _at = at;
        return this;
    }

    /// <summary>The change.</summary>
    public ConsentChange Build()
    {
        if (_source is null || _evidence is null)
        {
            ViaWhatsApp(_status == ConsentStatus.OptedIn ? "START" : "STOP");
        }

        return new ConsentChange(_phone, _status, _source!.Value, _evidence!, _at);
    }

    /// <summary>A fresh Twilio-style message SID ("SM" and 32 hex digits).</summary>
    public static string NewMessageSid() => "SM" + Guid.NewGuid().ToString("N");
}
