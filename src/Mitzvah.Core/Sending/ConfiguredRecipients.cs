using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Sending;

/// <summary>A fixed list of numbers from the <c>RECIPIENTS</c> setting, for deployments without a subscriber store.</summary>
public sealed class ConfiguredRecipients : IRecipientSource
{
    private readonly string[] _phones;

    /// <summary>Takes the comma-separated E.164 list; blanks and repeats are dropped.</summary>
    /// <exception cref="OptionsValidationException">An entry is not an E.164 number; the message names the setting.</exception>
    public ConfiguredRecipients(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var phones = new List<string>();
        foreach (var entry in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var phone = WhatsAppAddress.ToPhone(entry) ?? entry;
            if (!E164.IsValid(phone))
            {
                throw new OptionsValidationException(SettingNames.Recipients, typeof(ConfiguredRecipients),
                    [$"{SettingNames.Recipients} entry '{PhoneMask.Mask(entry)}' is not an E.164 number like +14155552671."]);
            }

            if (!phones.Contains(phone))
            {
                phones.Add(phone);
            }
        }

        _phones = [.. phones];
    }

    /// <inheritdoc />
    public string Kind => SettingNames.Recipients;

    /// <inheritdoc />
    public Task<long> CountAsync(CancellationToken cancellationToken = default) => Task.FromResult((long)_phones.Length);

    /// <inheritdoc />
    /// <remarks>A fixed list does not know when anyone last wrote: every recipient's window counts as closed.</remarks>
    public IAsyncEnumerable<Recipient> ListAsync(CancellationToken cancellationToken = default) =>
        _phones.Select(phone => new Recipient { Phone = phone }).ToAsyncEnumerable();

    /// <inheritdoc />
    /// <remarks>A fixed list keeps no schedule: every tick lists everyone, and the operator's clock decides.</remarks>
    public IAsyncEnumerable<Recipient> ListDueAsync(DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ListAsync(cancellationToken);

    /// <inheritdoc />
    public Task<bool> RescheduleAsync(Recipient recipient, DateTimeOffset nextSendAt, CancellationToken cancellationToken = default) =>
        Task.FromResult(false);

    /// <inheritdoc />
    /// <remarks>A fixed list cannot be changed from here; the operator removes the number from the setting.</remarks>
    public Task<bool> MarkUnreachableAsync(string phone, SendFailureKind reason, string errorCode, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Task.FromResult(false);
}
