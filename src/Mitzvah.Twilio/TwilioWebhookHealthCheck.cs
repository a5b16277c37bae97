using Microsoft.Extensions.Diagnostics.HealthChecks;
using Mitzvah.Core.Consent;

namespace Mitzvah.Twilio;

/// <summary>Without an auth token no inbound message can be verified, so nobody can join or leave by WhatsApp.</summary>
internal sealed class TwilioWebhookHealthCheck(IInboundWebhook webhook) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(webhook.CanVerify
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded($"{TwilioSettingNames.TwilioAuthToken} is not set: WhatsApp webhooks are refused (403) because their signatures cannot be checked."));
}
