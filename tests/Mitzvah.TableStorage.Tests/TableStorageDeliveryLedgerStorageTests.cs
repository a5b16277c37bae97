using Azure.Data.Tables;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.TableStorage.Tests;

/// <summary>What the Table Storage ledger does beyond the contract: its table and keys as the service sees them.</summary>
[Collection(SharedAzurite.Name)]
public sealed class TableStorageDeliveryLedgerStorageTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2025, 3, 2);
    private static readonly DateTimeOffset T0 = new(2025, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private readonly string _prefix = AzuriteFixture.NewPrefix();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => azurite.DeleteTablesAsync(_prefix);

    [Fact]
    public async Task Items_are_keyed_by_study_date_and_phone_in_the_deliveries_table()
    {
        var ledger = new TableStorageDeliveryLedger(azurite.CreateServiceClient(), _prefix);
        var claim = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0.AddTicks(9999), TimeSpan.FromMinutes(5));
        Assert.True(await ledger.MarkFailedAsync(Day, TestPhones.Alice, claim!.ClaimId, "20429", permanent: false, T0.AddSeconds(1)));

        var entity = (await azurite.CreateServiceClient().GetTableClient(_prefix + "Deliveries").GetEntityAsync<TableEntity>("2025-03-02", TestPhones.Alice)).Value;

        Assert.Equal("failed", entity.GetString("State"));
        Assert.Equal(claim.ClaimId, entity.GetString("ClaimId"));
        Assert.Equal(1, entity.GetInt32("Attempts"));
        Assert.Equal(T0.AddMinutes(5), entity.GetDateTimeOffset("LeaseExpiresAt"));
        Assert.Equal("20429", entity.GetString("ErrorCode"));
        Assert.False(entity.GetBoolean("Permanent"));
        Assert.Equal(T0.AddSeconds(1), entity.GetDateTimeOffset("UpdatedAt"));
        Assert.False(entity.ContainsKey("MessageSid"));
        Assert.Equal(2, entity.GetInt32("SchemaVersion"));
    }

    [Fact]
    public async Task A_mail_is_keyed_by_its_email_key_with_the_email_form()
    {
        const string dina = "mailto:dina@example.org";
        var ledger = new TableStorageDeliveryLedger(azurite.CreateServiceClient(), _prefix);
        var claim = await ledger.TryClaimAsync(Day, dina, T0, TimeSpan.FromMinutes(5));
        var sent = await ledger.MarkSentAsync(Day, dina, claim!.ClaimId, "<20250302120000.abc@example.org>", T0, MessageForm.Email);

        var entity = (await Deliveries().GetEntityAsync<TableEntity>("2025-03-02", dina)).Value;
        var record = await ledger.GetAsync(Day, dina);

        Assert.True(sent);
        Assert.Equal("email", entity.GetString("MessageForm"));
        Assert.Equal("sent", entity.GetString("State"));
        Assert.Equal(dina, record?.Phone);
        Assert.Equal(MessageForm.Email, record?.Form);
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryClaimAsync(Day, "mailto:Dina@example.org", T0, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task The_form_and_the_resend_are_stored_as_named_properties()
    {
        var ledger = new TableStorageDeliveryLedger(azurite.CreateServiceClient(), _prefix);
        var claim = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0, TimeSpan.FromMinutes(5));
        await ledger.MarkSentAsync(Day, TestPhones.Alice, claim!.ClaimId, "SM-free", T0, MessageForm.Freeform, outsideWindow: true);
        var freeform = (await Deliveries().GetEntityAsync<TableEntity>("2025-03-02", TestPhones.Alice)).Value;
        var resend = await ledger.TryClaimResendAsync(Day, TestPhones.Alice, "SM-free", T0.AddMinutes(1), TimeSpan.FromMinutes(5));
        await ledger.MarkSentAsync(Day, TestPhones.Alice, resend!.ClaimId, "SM-template", T0.AddMinutes(2), MessageForm.Template);

        var template = (await Deliveries().GetEntityAsync<TableEntity>("2025-03-02", TestPhones.Alice)).Value;

        Assert.Equal("freeform", freeform.GetString("MessageForm"));
        Assert.True(freeform.GetBoolean("OutsideWindow"));
        Assert.False(freeform.GetBoolean("ResentAsTemplate"));
        Assert.Equal("template", template.GetString("MessageForm"));
        Assert.False(template.GetBoolean("OutsideWindow"));
        Assert.True(template.GetBoolean("ResentAsTemplate"));
    }

    [Fact]
    public async Task Entities_written_before_schema_versions_read_unchanged_and_can_be_claimed_again()
    {
        var ledger = new TableStorageDeliveryLedger(azurite.CreateServiceClient(), _prefix);
        await ledger.ListAsync(Day); // creates the table
        await Deliveries().AddEntityAsync(Unversioned(TestPhones.Alice, "sent", messageSid: "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", errorCode: null));
        await Deliveries().AddEntityAsync(Unversioned(TestPhones.Bob, "failed", messageSid: null, errorCode: "20429"));

        var records = await ledger.ListAsync(Day);
        var retry = await ledger.TryClaimAsync(Day, TestPhones.Bob, T0.AddHours(1), TimeSpan.FromMinutes(5));

        var sent = new DeliveryRecord
        {
            StudyDate = Day,
            Phone = TestPhones.Alice,
            State = DeliveryState.Sent,
            ClaimId = "0123456789abcdef0123456789abcdef",
            Attempts = 2,
            LeaseExpiresAt = T0.AddMinutes(5),
            MessageId = "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ErrorCode = null,
            Permanent = false,
            UpdatedAt = T0.AddSeconds(1),
            DeliveryStatus = null,
            DeliveryErrorCode = null,
            DeliveryStatusAt = null,
        };
        Assert.Equal([sent, sent with { Phone = TestPhones.Bob, State = DeliveryState.Failed, MessageId = null, ErrorCode = "20429" }], records);
        Assert.Equal(3, retry?.Attempts);
        Assert.Equal(2, (await Deliveries().GetEntityAsync<TableEntity>("2025-03-02", TestPhones.Bob)).Value.GetInt32("SchemaVersion"));
    }

    [Fact]
    public async Task An_entity_of_a_newer_schema_is_refused_and_never_overwritten()
    {
        var ledger = new TableStorageDeliveryLedger(azurite.CreateServiceClient(), _prefix);
        await ledger.ListAsync(Day); // creates the table
        var newer = Unversioned(TestPhones.Alice, "failed", messageSid: null, errorCode: "20429");
        newer["SchemaVersion"] = 3;
        await Deliveries().AddEntityAsync(newer);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ledger.TryClaimAsync(Day, TestPhones.Alice, T0.AddHours(1), TimeSpan.FromMinutes(5)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => ledger.GetAsync(Day, TestPhones.Alice));

        Assert.Contains("schema version 3", error.Message, StringComparison.Ordinal);
        var stored = (await Deliveries().GetEntityAsync<TableEntity>("2025-03-02", TestPhones.Alice)).Value;
        Assert.Equal("failed", stored.GetString("State"));
        Assert.Equal(2, stored.GetInt32("Attempts"));
    }

    private TableClient Deliveries() => azurite.CreateServiceClient().GetTableClient(_prefix + "Deliveries");

    /// <summary>A ledger entity exactly as this ledger wrote it before entities carried <c>SchemaVersion</c>.</summary>
    private static TableEntity Unversioned(string phone, string state, string? messageSid, string? errorCode)
    {
        var entity = new TableEntity("2025-03-02", phone)
        {
            ["State"] = state,
            ["ClaimId"] = "0123456789abcdef0123456789abcdef",
            ["Attempts"] = 2,
            ["LeaseExpiresAt"] = T0.AddMinutes(5),
            ["Permanent"] = false,
            ["UpdatedAt"] = T0.AddSeconds(1),
        };
        if (messageSid is not null)
        {
            entity["MessageSid"] = messageSid;
        }

        if (errorCode is not null)
        {
            entity["ErrorCode"] = errorCode;
        }

        return entity;
    }

    [Fact]
    public async Task A_claim_that_loses_to_a_concurrent_write_decides_again_on_the_winners_item()
    {
        var ledger = new TableStorageDeliveryLedger(azurite.CreateServiceClient(), _prefix);
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => ledger.TryClaimAsync(Day, TestPhones.Alice, T0, TimeSpan.FromMinutes(5)))));
        var winner = Assert.Single(claims, claim => claim is not null)!;

        // After the lease, concurrent take-overs again leave exactly one winner, one attempt further.
        var takeOvers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => ledger.TryClaimAsync(Day, TestPhones.Alice, T0.AddMinutes(5), TimeSpan.FromMinutes(5)))));

        var second = Assert.Single(takeOvers, claim => claim is not null)!;
        Assert.Equal(2, second.Attempts);
        Assert.NotEqual(winner.ClaimId, second.ClaimId);
        Assert.Equal(second, await ledger.GetAsync(Day, TestPhones.Alice));
    }
}
