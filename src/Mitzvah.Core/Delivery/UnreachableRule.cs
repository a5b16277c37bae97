using System.Globalization;
using Microsoft.Extensions.Logging;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Study;

namespace Mitzvah.Core.Delivery;

/// <summary>
/// Marks a subscriber unreachable when the channel reported its messages of <see cref="ConsecutiveSendDays"/>
/// consecutive send days undeliverable because the number is not on the channel or cannot be reached
/// (<see cref="UnreachableCodes"/>). Not an opt-out: the mark only keeps the daily run from listing the number, and any
/// message from it clears the mark.
/// </summary>
/// <remarks>
/// Called after a failed status was recorded. The previous send days come from the <see cref="DeliveryPlanner"/> (rest
/// days do not break a run of failures), and each is one ledger read by (date, phone): no scans. A day without a ledger
/// item for the number, or whose message did not fail so, breaks the run. Idempotent: the store marks a number once.
/// Thread-safe.
/// </remarks>
public sealed partial class UnreachableRule
{
    /// <summary>How many consecutive send days must fail before the number is marked.</summary>
    public const int ConsecutiveSendDays = 3;

    private readonly IDeliveryLedger _ledger;
    private readonly DeliveryPlanner _planner;
    private readonly ISubscriberStore? _store;
    private readonly ILogger<UnreachableRule> _logger;

    /// <summary>Creates the rule; without a subscriber store (a fixed recipient list) it never marks anything.</summary>
    public UnreachableRule(IDeliveryLedger ledger, DeliveryPlanner planner, ILogger<UnreachableRule> logger, ISubscriberStore? store = null)
    {
        _ledger = ledger;
        _planner = planner;
        _logger = logger;
        _store = store;
    }

    /// <summary>The channel's errors that mean "this number cannot be reached": not on WhatsApp (63024), unreachable (63003).</summary>
    public static IReadOnlySet<string> UnreachableCodes { get; } = new HashSet<string>(["63024", "63003"], StringComparer.Ordinal);

    /// <summary>
    /// Applies the rule to the status just recorded for (<paramref name="studyDate"/>, <paramref name="phone"/>);
    /// returns whether the number was marked unreachable now.
    /// </summary>
    public async Task<bool> ApplyAsync(DateOnly studyDate, string phone, DeliveryStatus status, string? errorCode, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (_store is null || status is not (DeliveryStatus.Failed or DeliveryStatus.Undelivered) || errorCode is null || !UnreachableCodes.Contains(errorCode))
        {
            return false;
        }

        var days = new List<DateOnly>(ConsecutiveSendDays) { studyDate };
        var date = studyDate;
        while (days.Count < ConsecutiveSendDays)
        {
            if (PreviousSendDate(date) is not { } previous
                || !FailedUnreachable(await _ledger.GetAsync(previous, phone, cancellationToken).ConfigureAwait(false)))
            {
                return false;
            }

            days.Add(previous);
            date = previous;
        }

        // A subscriber whose mail goes on beside WhatsApp (both, fallback) stays listed: marking it would stop the
        // mail too. Its WhatsApp failures go on being answered by the fallback mail.
        if (await _store.GetAsync(phone, cancellationToken).ConfigureAwait(false) is { DeliverableEmail: not null, EffectiveChannel: DeliveryChannel.Both or DeliveryChannel.Fallback })
        {
            LogKeptForMail(_logger, PhoneMask.Mask(phone), errorCode);
            return false;
        }

        days.Reverse();
        var list = string.Join(", ", days.Select(day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        var result = await _store.RecordReachabilityAsync(
            new ReachabilityChange
            {
                Phone = phone,
                Unreachable = true,
                ErrorCode = errorCode,
                Actor = "delivery-status",
                Note = $"provider error {errorCode}: the messages of {list} could not be delivered",
                At = now,
            },
            cancellationToken).ConfigureAwait(false);
        if (result is { Changed: true })
        {
            LogMarked(_logger, PhoneMask.Mask(phone), errorCode, ConsecutiveSendDays);
            return true;
        }

        return false;
    }

    private static bool FailedUnreachable(DeliveryRecord? record) => record is not null
        && ((record.DeliveryStatus is DeliveryStatus.Failed or DeliveryStatus.Undelivered && record.DeliveryErrorCode is { } late && UnreachableCodes.Contains(late))
            || (record.State == DeliveryState.Failed && record.ErrorCode is { } early && UnreachableCodes.Contains(early)));

    private DateOnly? PreviousSendDate(DateOnly date)
    {
        try
        {
            return _planner.PlanCarrying(date.AddDays(-1)).Date;
        }
        catch (StudyDateOutOfRangeException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Phone} failed with {ErrorCode} on consecutive send days but is not marked unreachable: its mail goes on")]
    private static partial void LogKeptForMail(ILogger logger, string phone, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Phone} marked unreachable: error {ErrorCode} on {Days} consecutive send days; the daily run leaves it out until it writes")]
    private static partial void LogMarked(ILogger logger, string phone, string errorCode, int days);
}
