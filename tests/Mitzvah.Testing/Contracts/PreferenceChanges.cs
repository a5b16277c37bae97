using Mitzvah.Core.Consent;

namespace Mitzvah.Testing.Contracts;

/// <summary>Preference changes as the tests make them: by an operator, at a fixed time unless told.</summary>
public static class PreferenceChanges
{
    /// <summary>The time a change is made at unless told: a day after <see cref="ConsentChangeBuilder.DefaultAt"/>.</summary>
    public static readonly DateTimeOffset DefaultAt = ConsentChangeBuilder.DefaultAt.AddDays(1);

    /// <summary>An operator's change of <paramref name="phone"/>'s preferences.</summary>
    public static PreferenceChange ByAdmin(string phone, DeliveryPreferences preferences, DateTimeOffset? at = null) =>
        new(phone, preferences, ConsentSource.Admin, new ConsentEvidence(Actor: "ops"), at ?? DefaultAt);

    /// <summary>Sets the preferences as an operator would and returns the subscriber after it (null: unknown number).</summary>
    public static async Task<Subscriber?> SetPreferencesAsync(this ISubscriberStore store, string phone, DeliveryPreferences preferences, DateTimeOffset? at = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var result = await store.SetPreferencesAsync(ByAdmin(phone, preferences, at)).ConfigureAwait(false);
        return result?.Subscriber;
    }
}
