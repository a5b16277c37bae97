namespace Mitzvah.Core.Consent;

/// <summary>What <see cref="SubscriberAdministration.ImportAsync"/> did with a list of numbers, each number counted once.</summary>
public sealed record SubscriberImportResult
{
    /// <summary>Numbers that are now opted in and were not before.</summary>
    public required int Subscribed { get; init; }

    /// <summary>Numbers that already were opted in: nothing was written for them.</summary>
    public required int AlreadySubscribed { get; init; }

    /// <summary>Numbers left alone because their owner unsubscribed them and the import was not forced.</summary>
    public required int Refused { get; init; }

    /// <summary>Distinct numbers in the list.</summary>
    public int Total => Subscribed + AlreadySubscribed + Refused;
}
