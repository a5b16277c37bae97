namespace Mitzvah.DynamoDb;

/// <summary>
/// Attribute and index names of the tables. The subscriber names up to <see cref="TimestampIso"/> are the original
/// Python deployment's and must not change.
/// </summary>
internal static class AttributeNames
{
    public const string Phone = "phone";
    public const string ConsentStatus = "consent_status";
    public const string Channel = "channel";
    public const string Source = "source";
    public const string Evidence = "evidence";
    public const string TimestampIso = "timestamp_iso";

    public const string Purpose = "purpose";
    public const string CreatedAt = "created_at";
    public const string Version = "version";

    /// <summary>The shape an item was written in (<see cref="ItemSchema"/>); absent on items written before it existed.</summary>
    public const string SchemaVersion = "schema_version";

    public const string TimeZone = "time_zone";
    public const string SendTime = "send_time";
    public const string Calendar = "calendar";
    public const string PausedUntil = "paused_until";

    /// <summary>The channel choice (<see cref="Mitzvah.Core.Consent.DeliveryPreferences.Channel"/>); not <see cref="Channel"/>, the consent's channel.</summary>
    public const string DeliveryChannel = "delivery_channel";

    /// <summary>
    /// A WhatsApp subscriber's linked address (an email key's address is its key), and when it was confirmed or
    /// refused; all optional, absent on items written before email subscribers.
    /// </summary>
    public const string Email = "email";
    public const string EmailConfirmedAt = "email_confirmed_at";
    public const string EmailUndeliverableAt = "email_undeliverable_at";

    /// <summary>The subscriber's last inbound message (optional; absent: never recorded).</summary>
    public const string LastInboundAt = "last_inbound_at";

    /// <summary>Present only while the number is marked unreachable (ISO-8601 UTC), with its error code.</summary>
    public const string UnreachableSince = "unreachable_since";
    public const string UnreachableErrorCode = "unreachable_error_code";

    /// <summary>
    /// Present, as <see cref="OptedInValue"/>, only while the status is opted in and the number is not unreachable:
    /// the sparse index's key, so the index holds exactly the daily run's recipients.
    /// </summary>
    public const string OptedIn = "opted_in";
    public const string OptedInValue = "1";
    public const string OptedInIndex = "opted-in-index";

    /// <summary>When the send tick next looks at the subscriber (N, Unix milliseconds); absent when never scheduled.</summary>
    public const string NextSendAt = "next_send_at";

    /// <summary>
    /// The sort key of <see cref="DueIndex"/> (<see cref="DueKeys"/>): the next send time, then the phone. Present
    /// exactly when <see cref="NextSendAt"/> is; <see cref="OptedIn"/> is the index's partition key, so the index holds
    /// the recipients that have a next send time.
    /// </summary>
    public const string DueKey = "due_key";
    public const string DueIndex = "due-index";

    public const string StudyDate = "study_date";
    public const string State = "state";
    public const string ClaimId = "claim_id";
    public const string Attempts = "attempts";
    public const string LeaseExpiresAt = "lease_expires_at";
    public const string MessageSid = "message_sid";
    public const string ErrorCode = "error_code";
    public const string DeliveryStatus = "delivery_status";
    public const string DeliveryRank = "delivery_rank";
    public const string DeliveryErrorCode = "delivery_error_code";
    public const string DeliveryStatusAt = "delivery_status_at";
    public const string MessageForm = "message_form";
    public const string ResentAsTemplate = "resent_as_template";
    public const string OutsideWindow = "outside_window";
    public const string Permanent = "permanent";
    public const string UpdatedAt = "updated_at";
    public const string ExpiresAt = "expires_at";
}
