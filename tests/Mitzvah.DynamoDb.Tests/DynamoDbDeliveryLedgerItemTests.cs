using Amazon.DynamoDBv2.Model;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.DynamoDb.Tests;

[Collection(SharedDynalite.Name)]
public sealed class DynamoDbDeliveryLedgerItemTests(DynaliteFixture dynalite)
{
    [Fact]
    public async Task Items_are_keyed_by_study_date_and_phone_and_expire_90_days_after_the_study_date()
    {
        var options = await dynalite.CreateTablesAsync();
        var ledger = new DynamoDbDeliveryLedger(dynalite.Client, options);
        var day = new DateOnly(2025, 3, 2);
        var now = new DateTimeOffset(2025, 3, 2, 12, 0, 0, 5, TimeSpan.FromHours(-6));

        var claim = await ledger.TryClaimAsync(day, TestPhones.Alice, now, TimeSpan.FromMinutes(5));
        var item = (await dynalite.Client.GetItemAsync(new GetItemRequest
        {
            TableName = options.DeliveriesTable,
            Key = new() { ["study_date"] = new AttributeValue { S = "2025-03-02" }, ["phone"] = new AttributeValue { S = TestPhones.Alice } },
            ConsistentRead = true,
        })).Item;

        Assert.Equal("claimed", item["state"].S);
        Assert.Equal(claim!.ClaimId, item["claim_id"].S);
        Assert.Equal("1", item["attempts"].N);
        Assert.Equal("2025-03-02T18:05:00.005Z", item["lease_expires_at"].S);
        Assert.Equal("2025-03-02T18:00:00.005Z", item["updated_at"].S);
        Assert.Equal(new DateTimeOffset(2025, 5, 31, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), item["expires_at"].N);
        Assert.Equal("3", item["schema_version"].N);
    }

    [Fact]
    public async Task The_form_and_the_resend_are_stored_as_named_attributes()
    {
        var options = await dynalite.CreateTablesAsync();
        var ledger = new DynamoDbDeliveryLedger(dynalite.Client, options);
        var day = new DateOnly(2025, 3, 2);
        var now = new DateTimeOffset(2025, 3, 2, 12, 0, 0, TimeSpan.Zero);
        var claim = await ledger.TryClaimAsync(day, TestPhones.Alice, now, TimeSpan.FromMinutes(5));
        await ledger.MarkSentAsync(day, TestPhones.Alice, claim!.ClaimId, "SM-free", now, MessageForm.Freeform, outsideWindow: true);
        var freeform = await GetAsync(options, "2025-03-02", TestPhones.Alice);

        var resend = await ledger.TryClaimResendAsync(day, TestPhones.Alice, "SM-free", now.AddMinutes(1), TimeSpan.FromMinutes(5));
        var claimed = await GetAsync(options, "2025-03-02", TestPhones.Alice);
        await ledger.MarkSentAsync(day, TestPhones.Alice, resend!.ClaimId, "SM-template", now.AddMinutes(2), MessageForm.Template);
        var template = await GetAsync(options, "2025-03-02", TestPhones.Alice);

        Assert.Equal("freeform", freeform["message_form"].S);
        Assert.True(freeform["outside_window"].BOOL);
        Assert.False(freeform.ContainsKey("resent_as_template"));
        Assert.False(claimed.ContainsKey("message_form"));
        Assert.False(claimed.ContainsKey("message_sid"));
        Assert.True(claimed["resent_as_template"].BOOL);
        Assert.Equal("template", template["message_form"].S);
        Assert.False(template["outside_window"].BOOL);
        Assert.True(template["resent_as_template"].BOOL);
    }

    [Fact]
    public async Task Items_written_before_schema_versions_read_unchanged_and_can_be_claimed_again()
    {
        var options = await dynalite.CreateTablesAsync();
        var ledger = new DynamoDbDeliveryLedger(dynalite.Client, options);
        await PutAsync(options, Unversioned("2025-02-09", TestPhones.Alice, "sent", "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", null, permanent: false));
        await PutAsync(options, Unversioned("2025-02-09", TestPhones.Bob, "failed", null, "20429", permanent: false));

        var records = await ledger.ListAsync(new DateOnly(2025, 2, 9));
        var retry = await ledger.TryClaimAsync(new DateOnly(2025, 2, 9), TestPhones.Bob, new DateTimeOffset(2025, 2, 9, 17, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(5));

        var sent = new DeliveryRecord
        {
            StudyDate = new DateOnly(2025, 2, 9),
            Phone = TestPhones.Alice,
            State = DeliveryState.Sent,
            ClaimId = "0123456789abcdef0123456789abcdef",
            Attempts = 2,
            LeaseExpiresAt = new DateTimeOffset(2025, 2, 9, 16, 5, 0, TimeSpan.Zero),
            MessageId = "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ErrorCode = null,
            Permanent = false,
            UpdatedAt = new DateTimeOffset(2025, 2, 9, 16, 0, 1, 250, TimeSpan.Zero),
            DeliveryStatus = null,
            DeliveryErrorCode = null,
            DeliveryStatusAt = null,
        };
        Assert.Equal([sent, sent with { Phone = TestPhones.Bob, State = DeliveryState.Failed, MessageId = null, ErrorCode = "20429" }], records);
        Assert.Equal(3, retry?.Attempts);
        Assert.Equal("3", (await GetAsync(options, "2025-02-09", TestPhones.Bob))["schema_version"].N);
    }

    [Fact]
    public async Task An_item_of_a_newer_schema_is_neither_claimed_nor_marked_and_reading_it_is_refused()
    {
        var options = await dynalite.CreateTablesAsync();
        var ledger = new DynamoDbDeliveryLedger(dynalite.Client, options);
        var item = Unversioned("2025-02-09", TestPhones.Alice, "claimed", null, null, permanent: false);
        item["schema_version"] = new AttributeValue { N = "4" };
        await PutAsync(options, item);
        var afterLease = new DateTimeOffset(2025, 2, 9, 17, 0, 0, TimeSpan.Zero);

        var claim = await ledger.TryClaimAsync(new DateOnly(2025, 2, 9), TestPhones.Alice, afterLease, TimeSpan.FromMinutes(5));
        var marked = await ledger.MarkSentAsync(new DateOnly(2025, 2, 9), TestPhones.Alice, "0123456789abcdef0123456789abcdef", "SM1", afterLease);

        Assert.Null(claim);
        Assert.False(marked);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ledger.GetAsync(new DateOnly(2025, 2, 9), TestPhones.Alice));
        Assert.Contains("schema version 4", error.Message, StringComparison.Ordinal);
        var stored = await GetAsync(options, "2025-02-09", TestPhones.Alice);
        Assert.Equal("claimed", stored["state"].S);
        Assert.Equal("2", stored["attempts"].N);
    }

    [Fact]
    public async Task A_mail_is_keyed_by_its_email_key_with_the_email_form()
    {
        const string dina = "mailto:dina@example.org";
        var options = await dynalite.CreateTablesAsync();
        var ledger = new DynamoDbDeliveryLedger(dynalite.Client, options);
        var day = new DateOnly(2025, 3, 2);
        var now = new DateTimeOffset(2025, 3, 2, 12, 0, 0, TimeSpan.Zero);

        var claim = await ledger.TryClaimAsync(day, dina, now, TimeSpan.FromMinutes(5));
        var sent = await ledger.MarkSentAsync(day, dina, claim!.ClaimId, "<20250302120000.abc@example.org>", now, MessageForm.FallbackEmail);
        var item = await GetAsync(options, "2025-03-02", dina);
        var record = await ledger.GetAsync(day, dina);

        Assert.True(sent);
        Assert.Equal("email-fallback", item["message_form"].S);
        Assert.Equal("sent", item["state"].S);
        Assert.Equal(dina, record?.Phone);
        Assert.Equal(MessageForm.FallbackEmail, record?.Form);
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryClaimAsync(day, "mailto:Dina@example.org", now, TimeSpan.FromMinutes(5)));
    }

    /// <summary>A ledger item exactly as this ledger wrote it before items carried <c>schema_version</c>.</summary>
    private static Dictionary<string, AttributeValue> Unversioned(string date, string phone, string state, string? messageSid, string? errorCode, bool permanent)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["study_date"] = new AttributeValue { S = date },
            ["phone"] = new AttributeValue { S = phone },
            ["state"] = new AttributeValue { S = state },
            ["claim_id"] = new AttributeValue { S = "0123456789abcdef0123456789abcdef" },
            ["attempts"] = new AttributeValue { N = "2" },
            ["lease_expires_at"] = new AttributeValue { S = "2025-02-09T16:05:00.000Z" },
            ["permanent"] = new AttributeValue { BOOL = permanent },
            ["updated_at"] = new AttributeValue { S = "2025-02-09T16:00:01.250Z" },
            ["expires_at"] = new AttributeValue { N = "1746835200" },
        };
        if (messageSid is not null)
        {
            item["message_sid"] = new AttributeValue { S = messageSid };
        }

        if (errorCode is not null)
        {
            item["error_code"] = new AttributeValue { S = errorCode };
        }

        return item;
    }

    [Fact]
    public async Task A_status_is_stored_with_its_rank_and_a_later_one_without_an_error_code_drops_the_old_code()
    {
        var options = await dynalite.CreateTablesAsync();
        var ledger = new DynamoDbDeliveryLedger(dynalite.Client, options);
        await PutAsync(options, Unversioned("2025-02-09", TestPhones.Alice, "sent", "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", null, permanent: false));
        var at = new DateTimeOffset(2025, 2, 9, 16, 0, 9, 123, TimeSpan.Zero);

        Assert.True(await ledger.RecordStatusAsync(new DateOnly(2025, 2, 9), TestPhones.Alice, "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", DeliveryStatus.Sent, "0", at));
        Assert.True(await ledger.RecordStatusAsync(new DateOnly(2025, 2, 9), TestPhones.Alice, "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", DeliveryStatus.Delivered, null, at.AddSeconds(1)));
        var item = await GetAsync(options, "2025-02-09", TestPhones.Alice);

        Assert.Equal("delivered", item["delivery_status"].S);
        Assert.Equal("4", item["delivery_rank"].N);
        Assert.Equal("2025-02-09T16:00:10.123Z", item["delivery_status_at"].S);
        Assert.False(item.ContainsKey("delivery_error_code"));
        Assert.Equal("sent", item["state"].S);
    }

    private async Task PutAsync(DynamoDbOptions options, Dictionary<string, AttributeValue> item) =>
        await dynalite.Client.PutItemAsync(new PutItemRequest { TableName = options.DeliveriesTable, Item = item });

    private async Task<Dictionary<string, AttributeValue>> GetAsync(DynamoDbOptions options, string date, string phone) =>
        (await dynalite.Client.GetItemAsync(new GetItemRequest
        {
            TableName = options.DeliveriesTable,
            Key = new() { ["study_date"] = new AttributeValue { S = date }, ["phone"] = new AttributeValue { S = phone } },
            ConsistentRead = true,
        })).Item;
}
