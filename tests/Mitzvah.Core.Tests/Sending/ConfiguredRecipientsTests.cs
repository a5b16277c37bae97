using Microsoft.Extensions.Options;
using Mitzvah.Core.Sending;

namespace Mitzvah.Core.Tests.Sending;

public sealed class ConfiguredRecipientsTests
{
    [Fact]
    public async Task Lists_each_number_once_in_order_without_prefixes_or_blanks()
    {
        var recipients = new ConfiguredRecipients(" +14155552671, whatsapp:+14155552672,,+14155552671 ");

        var phones = new List<string>();
        await foreach (var recipient in recipients.ListAsync())
        {
            Assert.Null(recipient.LastInboundAt);
            phones.Add(recipient.Phone);
        }

        Assert.Equal(["+14155552671", "+14155552672"], phones);
        Assert.Equal(2, await recipients.CountAsync());
        Assert.Equal("RECIPIENTS", recipients.Kind);
    }

    [Fact]
    public void A_bad_entry_is_refused_with_the_setting_named_and_the_number_masked()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new ConfiguredRecipients("+14155552671,0014155552672"));

        Assert.Contains("RECIPIENTS entry '00141***2672' is not an E.164 number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fixed_list_cannot_record_unreachable_numbers()
    {
        var recipients = new ConfiguredRecipients("+14155552671");

        Assert.False(await recipients.MarkUnreachableAsync("+14155552671", SendFailureKind.OptedOut, "21610", DateTimeOffset.UnixEpoch));
    }
}
