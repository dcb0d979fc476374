namespace FailoverDns.Configuration;

/// <summary>The <c>alerts</c> section: where health and failover events are sent.</summary>
public sealed record AlertOptions
{
    public IReadOnlyList<WebhookOptions> Webhooks { get; init; } = [];
}
