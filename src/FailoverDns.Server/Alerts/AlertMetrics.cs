using System.Diagnostics.Metrics;
using FailoverDns.Configuration;
using FailoverDns.Server.Metrics;

namespace FailoverDns.Server.Alerts;

/// <summary>Webhook deliveries as metrics: outcomes, retries, and what is waiting.</summary>
public sealed class AlertMetrics
{
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _retries;

    public AlertMetrics(IMeterFactory meters, Func<IEnumerable<(WebhookOptions Webhook, int Queued)>> queues)
    {
        var meter = meters.Create(MeterNames.FailoverDns);
        meter.CreateObservableGauge(
            "failoverdns.alerts.queued",
            () => queues().Select(q => new Measurement<int>(q.Queued, new KeyValuePair<string, object?>("webhook", q.Webhook.SafeName))),
            "{alert}",
            "Alerts waiting for delivery, per webhook");
        _deliveries = meter.CreateCounter<long>("failoverdns.alerts.deliveries", "{alert}", "Alerts per webhook by outcome: delivered, failed (every attempt failed) or dropped (queue full)");
        _retries = meter.CreateCounter<long>("failoverdns.alerts.retries", "{attempt}", "Failed delivery attempts that were retried");
    }

    internal void Delivered(WebhookOptions webhook, string outcome) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("webhook", webhook.SafeName), new KeyValuePair<string, object?>("outcome", outcome));

    internal void Retried(WebhookOptions webhook) => _retries.Add(1, new KeyValuePair<string, object?>("webhook", webhook.SafeName));
}
