using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Core.Tests.Delivery;

/// <summary>The report counts mail apart from WhatsApp: its ledger items are keyed by address.</summary>
public sealed class DeliveryReportMailTests
{
    private static readonly DateOnly Day = new(2026, 11, 25);
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 16, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private readonly InMemoryDeliveryLedger _ledger = new();

    [Fact]
    public async Task Mail_is_counted_on_its_own_lines_and_stays_out_of_whatsapps_counts_and_error_codes()
    {
        await SentAsync(TestPhones.Alice, "MSG-1", MessageForm.Freeform);
        await _ledger.RecordStatusAsync(Day, TestPhones.Alice, "MSG-1", DeliveryStatus.Delivered, null, Now);
        await SentAsync(AddressKey.ForEmail("dina@example.org"), "mail-1", MessageForm.Email);
        await SentAsync(AddressKey.ForEmail("ezra@example.org"), "mail-2", MessageForm.FallbackEmail);
        await FailedAsync(AddressKey.ForEmail("zoe@example.org"), "smtp-550", permanent: true);
        await FailedAsync(AddressKey.ForEmail("yael@example.org"), "smtp-451", permanent: false);
        await _ledger.TryClaimAsync(Day, AddressKey.ForEmail("noa@example.org"), Now, Lease);

        var report = DeliveryReport.From(Day, Day, await _ledger.ListAsync(Day));

        Assert.Equal((1L, 1L, 0L, 1L, 0L), (report.Accepted, report.Delivered, report.Failed, report.Freeform, report.Template));
        Assert.Empty(report.Errors);
        Assert.Equal((2L, 2L, 1L), (report.MailSent, report.MailFailed, report.MailFallbacks));
        Assert.Equal(1, report.InProgress);
        Assert.Equal(1.0, report.DeliveredRatio);
        var table = report.ToTable();
        Assert.Contains("mail sent", table, StringComparison.Ordinal);
        Assert.Contains("1 as the fallback after a failed WhatsApp message", table, StringComparison.Ordinal);
        Assert.Contains("mail failed", table, StringComparison.Ordinal);
        Assert.DoesNotContain("smtp-550", table, StringComparison.Ordinal);
        Assert.Contains("\"mailSent\":2", report.ToJson(), StringComparison.Ordinal);
        Assert.Contains("\"mailFallbacks\":1", report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_day_without_mail_shows_no_mail_lines()
    {
        await SentAsync(TestPhones.Alice, "MSG-1", MessageForm.Freeform);

        var report = DeliveryReport.From(Day, Day, await _ledger.ListAsync(Day));

        Assert.Equal((0L, 0L, 0L), (report.MailSent, report.MailFailed, report.MailFallbacks));
        Assert.DoesNotContain("mail sent", report.ToTable(), StringComparison.Ordinal);
    }

    private async Task SentAsync(string key, string messageId, MessageForm form)
    {
        var claim = await _ledger.TryClaimAsync(Day, key, Now, Lease);
        Assert.True(await _ledger.MarkSentAsync(Day, key, claim!.ClaimId, messageId, Now, form));
    }

    private async Task FailedAsync(string key, string code, bool permanent)
    {
        var claim = await _ledger.TryClaimAsync(Day, key, Now, Lease);
        Assert.True(await _ledger.MarkFailedAsync(Day, key, claim!.ClaimId, code, permanent, Now));
    }
}
