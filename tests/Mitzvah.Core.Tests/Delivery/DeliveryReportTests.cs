using System.Text.Json;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Testing;

namespace Mitzvah.Core.Tests.Delivery;

/// <summary>How ledger items are counted into a study date's delivery report.</summary>
public sealed class DeliveryReportTests
{
    private static readonly DateOnly Date = DeliveryRecords.Date;

    [Fact]
    public void Each_item_counts_once_by_its_latest_state()
    {
        var report = DeliveryReport.From(Date, Date,
        [
            DeliveryRecords.Sent("+15550000001", DeliveryStatus.Read),
            DeliveryRecords.Sent("+15550000002", DeliveryStatus.Delivered),
            DeliveryRecords.Sent("+15550000003", DeliveryStatus.Sent),
            DeliveryRecords.Sent("+15550000004"),
            DeliveryRecords.Sent("+15550000005", DeliveryStatus.Undelivered, "63016"),
            DeliveryRecords.Sent("+447700900001", DeliveryStatus.Failed, "63024"),
            DeliveryRecords.Refused("+15550000006", "21610", permanent: true),
            DeliveryRecords.Claimed("+15550000007"),
        ]);

        Assert.Equal(6, report.Accepted);
        Assert.Equal(2, report.Delivered);
        Assert.Equal(1, report.Read);
        Assert.Equal(3, report.Failed);
        Assert.Equal(2, report.Pending);
        Assert.Equal(1, report.InProgress);
        Assert.Equal(new Dictionary<string, long> { ["21610"] = 1, ["63016"] = 1, ["63024"] = 1 }, report.Errors);
        Assert.Equal(2d / 6, report.DeliveredRatio);
    }

    [Fact]
    public void Template_and_freeform_sends_are_counted_with_resends_and_window_misses()
    {
        var report = DeliveryReport.From(Date, Date,
        [
            DeliveryRecords.Sent("+15550000001", DeliveryStatus.Delivered) with { Form = MessageForm.Freeform },
            DeliveryRecords.Sent("+15550000002", DeliveryStatus.Delivered) with { Form = MessageForm.Template },
            DeliveryRecords.Sent("+15550000003", DeliveryStatus.Read) with { Form = MessageForm.Template, ResentAsTemplate = true },
            DeliveryRecords.Sent("+15550000004", DeliveryStatus.Undelivered, "63016") with { Form = MessageForm.Freeform, OutsideWindow = true },
            DeliveryRecords.Refused("+15550000005", "21211", permanent: true),
        ]);

        Assert.Equal(2, report.Template);
        Assert.Equal(2, report.Freeform);
        Assert.Equal(1, report.ResentAsTemplate);
        Assert.Equal(1, report.OutsideWindow);
        using var json = JsonDocument.Parse(report.ToJson());
        Assert.Equal(2, json.RootElement.GetProperty("template").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("freeform").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("resentAsTemplate").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("outsideWindow").GetInt32());
        Assert.Contains("1 resent as the template", report.ToTable(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_codes_are_kept_verbatim_and_a_failure_without_a_code_is_unknown()
    {
        var report = DeliveryReport.From(Date, Date,
        [
            DeliveryRecords.Sent("+15550000001", DeliveryStatus.Undelivered, "99999"),
            DeliveryRecords.Sent("+15550000002", DeliveryStatus.Failed),
            DeliveryRecords.Refused("+15550000003", "deadline"),
        ]);

        Assert.Equal(new Dictionary<string, long> { ["99999"] = 1, ["deadline"] = 1, ["unknown"] = 1 }, report.Errors);
    }

    [Fact]
    public void Marketing_templates_not_delivered_are_counted_by_country_and_explained()
    {
        var report = DeliveryReport.From(Date, Date,
        [
            DeliveryRecords.Sent("+15550000001", DeliveryStatus.Failed, "63049"),
            DeliveryRecords.Sent("+15550000002", DeliveryStatus.Undelivered, "63049"),
            DeliveryRecords.Sent("+972501234567", DeliveryStatus.Failed, "63049"),
            DeliveryRecords.Sent("+447700900001", DeliveryStatus.Failed, "63032"),
        ]);

        Assert.Equal(new Dictionary<string, long> { ["+1"] = 2, ["+972"] = 1 }, report.MarketingNotDeliveredByCountry);
        var table = report.ToTable();
        Assert.Contains("did not deliver the marketing template to 3 reader(s) (+1: 2, +972: 1)", table, StringComparison.Ordinal);
        Assert.Contains("another channel", table, StringComparison.Ordinal);
        Assert.DoesNotContain("5550000001", table, StringComparison.Ordinal);
        Assert.DoesNotContain("5550000001", report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_names_every_count_in_camel_case()
    {
        var report = DeliveryReport.From(Date, Date, [DeliveryRecords.Delivered("+15550000001"), DeliveryRecords.Sent("+15550000002")]);

        using var json = JsonDocument.Parse(report.ToJson());
        var root = json.RootElement;

        Assert.Equal("2026-11-24", root.GetProperty("date").GetString());
        Assert.Equal("2026-11-24", root.GetProperty("carriedBy").GetString());
        Assert.Equal(2, root.GetProperty("accepted").GetInt32());
        Assert.Equal(1, root.GetProperty("delivered").GetInt32());
        Assert.Equal(0, root.GetProperty("read").GetInt32());
        Assert.Equal(0, root.GetProperty("failed").GetInt32());
        Assert.Equal(1, root.GetProperty("pending").GetInt32());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("errors").ValueKind);
        Assert.Equal(0.5, root.GetProperty("deliveredRatio").GetDouble());
    }

    [Fact]
    public void Nothing_accepted_has_no_ratio_and_a_rest_day_names_the_message_that_carried_it()
    {
        var friday = new DateOnly(2026, 11, 27);
        var report = DeliveryReport.From(friday.AddDays(1), friday, []);

        Assert.Null(report.DeliveredRatio);
        Assert.DoesNotContain("deliveredRatio", report.ToJson(), StringComparison.Ordinal);
        Assert.Contains("went out with the message of 2026-11-27", report.ToTable(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("+14155552671", "+1")]
    [InlineData("+74951234567", "+7")]
    [InlineData("+447700900123", "+44")]
    [InlineData("+4915112345678", "+49")]
    [InlineData("+972501234567", "+972")]
    [InlineData("+212612345678", "+212")]
    [InlineData("+380501234567", "+380")]
    [InlineData("+8613812345678", "+86")]
    [InlineData("+85212345678", "+852")]
    public void Country_calling_codes_follow_the_prefix_code(string phone, string code) =>
        Assert.Equal(code, E164.CountryCallingCode(phone));

    [Fact]
    public void A_calling_code_is_only_read_from_e164() =>
        Assert.Throws<ArgumentException>(() => E164.CountryCallingCode("0044 7700 900123"));
}
