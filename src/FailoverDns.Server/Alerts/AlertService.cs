using System.Diagnostics.Metrics;
using System.Text.Json;
using FailoverDns.Configuration;
using FailoverDns.Server.Failover;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FailoverDns.Server.Alerts;

/// <summary>
/// Sends the coordinator's events (unhealthy, recovered, failover, failback, allUnhealthy) to the
/// configured webhooks. Handing an event over only queues it: probes and queries never wait.
/// </summary>
public sealed class AlertService : IHostedService, IDisposable
{
    private static readonly TimeSpan DrainDeadline = TimeSpan.FromSeconds(5);

    private readonly FailoverCoordinator _coordinator;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertService> _logger;
    private readonly AlertMetrics _metrics;
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), AllowAutoRedirect = false });
    private readonly string _server = Environment.MachineName;
    private volatile IReadOnlyList<WebhookSender> _senders = [];

    public AlertService(FailoverDnsConfig config, FailoverCoordinator coordinator, IMeterFactory meters, TimeProvider time, ILogger<AlertService> logger)
    {
        _coordinator = coordinator;
        _time = time;
        _logger = logger;
        _metrics = new AlertMetrics(meters, () => _senders.Select(s => (s.Options, s.Queued)));
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("FailoverDns");
        Options = config.Alerts;
    }

    public AlertOptions Options { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _senders = [.. Options.Webhooks.Select(Sender)];
        _coordinator.Notified += OnNotified;
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _coordinator.Notified -= OnNotified;
        await Task.WhenAll(_senders.Select(s => s.DrainAsync(DrainDeadline)));
    }

    /// <summary>After a reload: new webhooks take the next alerts; the old ones finish what they hold.</summary>
    public void Reconfigure(AlertOptions options)
    {
        var old = _senders;
        Options = options;
        _senders = [.. options.Webhooks.Select(Sender)];
        _ = Task.WhenAll(old.Select(s => s.DrainAsync(DrainDeadline)));
    }

    public void Dispose() => _http.Dispose();

    private WebhookSender Sender(WebhookOptions webhook) => new(webhook, _http, _time, _metrics, _logger);

    private void OnNotified(FailoverEvent e)
    {
        var senders = _senders.Where(s => s.Options.Accepts(e.Kind)).ToList();
        if (senders.Count == 0)
        {
            return;
        }

        var payload = new AlertPayload(AlertEventNames.ToName(e.Kind), Guid.NewGuid().ToString(), e.At, _server, e.Check, e.Reason, Summary(e), e.RecordSets);
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, AlertJsonContext.Default.AlertPayload);
        foreach (var sender in senders)
        {
            sender.Enqueue(payload, body);
        }
    }

    /// <summary>One line a chat channel can show as it is.</summary>
    private static string Summary(FailoverEvent e)
    {
        var sets = string.Join("; ", e.RecordSets.Select(s => s.Before is null ? $"{s.Name} {s.Type} serves {s.Serving}" : $"{s.Name} {s.Type}: {s.Before} -> {s.Serving}"));
        var what = e.Kind switch
        {
            AlertEventKind.Unhealthy => $"Health check {e.Check} is unhealthy: {e.Reason}",
            AlertEventKind.Recovered => $"Health check {e.Check} recovered: {e.Reason}",
            AlertEventKind.Failover => "Failover",
            AlertEventKind.Failback => "Failback",
            _ => "Every tier unhealthy",
        };
        return sets.Length == 0 ? what : $"{what}. {sets}";
    }
}
