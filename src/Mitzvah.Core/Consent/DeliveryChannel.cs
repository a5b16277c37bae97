namespace Mitzvah.Core.Consent;

/// <summary>Which channels a subscriber's daily message goes out on.</summary>
public enum DeliveryChannel
{
    /// <summary>WhatsApp only: the default of a subscriber with a number.</summary>
    WhatsApp,

    /// <summary>Email only: the default of a subscriber with an address only.</summary>
    Email,

    /// <summary>WhatsApp and email, each once a day.</summary>
    Both,

    /// <summary>WhatsApp; email on a day whose WhatsApp message ends failed (63049, 63016 without a template, 63024, unreachable).</summary>
    Fallback,
}
