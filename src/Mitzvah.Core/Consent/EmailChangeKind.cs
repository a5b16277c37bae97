namespace Mitzvah.Core.Consent;

/// <summary>What an <see cref="EmailChange"/> does to a subscriber's email address.</summary>
public enum EmailChangeKind
{
    /// <summary>Sets the address, unconfirmed; the same address again keeps its state.</summary>
    Link,

    /// <summary>Marks the address confirmed (double opt-in), if it still is the subscriber's address.</summary>
    Confirm,

    /// <summary>Marks the address undeliverable: its server refused the recipient permanently.</summary>
    Undeliverable,

    /// <summary>Removes the address (an unsubscribe from the mail of a subscriber that keeps WhatsApp).</summary>
    Remove,
}
