using Microsoft.Extensions.Options;

namespace Mitzvah.Core.Consent;

/// <summary>An operator's changes to subscribers: subscribe, unsubscribe and import, recorded with the admin source.</summary>
/// <remarks>
/// <para>
/// The rule every host follows: an operator may not override a subscriber's own choice by accident. A number that is
/// opted out or invalid through anything but an admin change (a STOP keyword, the web form, the provider reporting a
/// block or a bad number) is re-subscribed only when the call is forced, and a forced re-subscription says in its
/// evidence that it overrode the owner's choice. An operator's own earlier removal needs no force.
/// </para>
/// <para>
/// Each change is one <see cref="ISubscriberStore.RecordConsentAsync"/>, so repeating a call changes nothing. The
/// owner's status is read just before the write, not atomically with it. Thread-safe.
/// </para>
/// <para>
/// A number not yet recorded starts with <see cref="JoinDefaults"/>, each choice the operator gives replacing its
/// default; a number on record keeps its preferences (change them with <see cref="ISubscriberStore.SetPreferencesAsync"/>).
/// </para>
/// </remarks>
public sealed class SubscriberAdministration
{
    /// <summary>The evidence note of a forced re-subscription.</summary>
    public const string OverrideNote = "operator re-subscribed a number its owner had unsubscribed";

    // Enough to hide the store's round trips on a long list without crowding a shared table.
    private const int ImportConcurrency = 4;

    private readonly ISubscriberStore _store;
    private readonly TimeProvider _time;
    private readonly IPhoneTimeZones _zones;
    private readonly ScheduleOptions _schedule;

    /// <summary>Creates the service over a store, a clock, the numbers' zones (for join defaults) and the operator's schedule.</summary>
    public SubscriberAdministration(ISubscriberStore store, TimeProvider time, IPhoneTimeZones zones, IOptions<ScheduleOptions> schedule)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(schedule);
        _store = store;
        _time = time;
        _zones = zones;
        _schedule = schedule.Value;
    }

    /// <summary>Opts <paramref name="phone"/> in as an admin change, unless its owner unsubscribed it and <paramref name="force"/> is off.</summary>
    /// <param name="phone">E.164.</param>
    /// <param name="actor">Who makes the change (e.g. <c>cli:alice</c>), kept as evidence.</param>
    /// <param name="force">Re-subscribe even a number whose owner unsubscribed it (the operator has their consent).</param>
    /// <param name="choices">
    /// For a number not yet recorded: the preferences chosen, each set property replacing the join default; a number on
    /// record keeps its own. <see langword="null"/>: the join defaults.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException"><paramref name="phone"/> is not E.164, or <paramref name="actor"/> is blank.</exception>
    public async Task<AdministrationOutcome> SubscribeAsync(
        string phone, string actor, bool force = false, DeliveryPreferences? choices = null, CancellationToken cancellationToken = default)
    {
        E164.ThrowIfInvalid(phone, nameof(phone));
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var current = await _store.GetAsync(phone, cancellationToken).ConfigureAwait(false);
        var overridesOwner = IsOptedOutByOwner(current);
        if (overridesOwner && !force)
        {
            return AdministrationOutcome.RefusedOptedOutByOwner;
        }

        var evidence = new ConsentEvidence(Actor: actor, Note: overridesOwner ? OverrideNote : null);
        var defaults = JoinDefaults.For(phone, _zones.ZonesOf(phone), _schedule);
        var preferences = defaults with
        {
            TimeZone = choices?.TimeZone ?? defaults.TimeZone,
            SendTime = choices?.SendTime ?? defaults.SendTime,
            Calendar = choices?.Calendar ?? defaults.Calendar,
        };
        return await RecordAsync(phone, ConsentStatus.OptedIn, evidence, cancellationToken, preferences).ConfigureAwait(false);
    }

    /// <summary>Opts <paramref name="phone"/> out as an admin change.</summary>
    /// <param name="phone">E.164.</param>
    /// <param name="actor">Who makes the change, kept as evidence.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see cref="AdministrationOutcome.Changed"/> or <see cref="AdministrationOutcome.Unchanged"/>; never refused.</returns>
    /// <exception cref="ArgumentException"><paramref name="phone"/> is not E.164, or <paramref name="actor"/> is blank.</exception>
    public Task<AdministrationOutcome> UnsubscribeAsync(string phone, string actor, CancellationToken cancellationToken = default)
    {
        E164.ThrowIfInvalid(phone, nameof(phone));
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        return RecordAsync(phone, ConsentStatus.OptedOut, new ConsentEvidence(Actor: actor), cancellationToken);
    }

    /// <summary>
    /// Subscribes every number of <paramref name="phones"/> as <see cref="SubscribeAsync"/> does, a few at a time;
    /// a number listed twice is handled once.
    /// </summary>
    /// <param name="phones">E.164 numbers. All are checked before anything is written.</param>
    /// <param name="actor">Who makes the change, kept as evidence.</param>
    /// <param name="force">Re-subscribe even numbers whose owner unsubscribed them.</param>
    /// <param name="cancellationToken">Cancels the import; numbers already written stay written.</param>
    /// <exception cref="ArgumentException">A number is not E.164 (nothing was written), or <paramref name="actor"/> is blank.</exception>
    public async Task<SubscriberImportResult> ImportAsync(
        IEnumerable<string> phones, string actor, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(phones);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var distinct = phones.Distinct(StringComparer.Ordinal).ToList();
        foreach (var phone in distinct)
        {
            E164.ThrowIfInvalid(phone, nameof(phones));
        }

        var outcomes = new AdministrationOutcome[distinct.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, distinct.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ImportConcurrency, CancellationToken = cancellationToken },
            async (index, token) => outcomes[index] = await SubscribeAsync(distinct[index], actor, force, cancellationToken: token).ConfigureAwait(false))
            .ConfigureAwait(false);

        return new SubscriberImportResult
        {
            Subscribed = outcomes.Count(outcome => outcome == AdministrationOutcome.Changed),
            AlreadySubscribed = outcomes.Count(outcome => outcome == AdministrationOutcome.Unchanged),
            Refused = outcomes.Count(outcome => outcome == AdministrationOutcome.RefusedOptedOutByOwner),
        };
    }

    private static bool IsOptedOutByOwner(Subscriber? subscriber) =>
        subscriber is { Status: ConsentStatus.OptedOut or ConsentStatus.Invalid, Source: not ConsentSource.Admin };

    private async Task<AdministrationOutcome> RecordAsync(
        string phone, ConsentStatus status, ConsentEvidence evidence, CancellationToken cancellationToken, DeliveryPreferences? preferences = null)
    {
        var change = new ConsentChange(phone, status, ConsentSource.Admin, evidence, _time.GetUtcNow(), preferences);
        var result = await _store.RecordConsentAsync(change, cancellationToken).ConfigureAwait(false);
        return result.Changed ? AdministrationOutcome.Changed : AdministrationOutcome.Unchanged;
    }
}
