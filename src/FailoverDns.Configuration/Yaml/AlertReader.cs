using FailoverDns.Zones.Text;
using YamlDotNet.RepresentationModel;

namespace FailoverDns.Configuration.Yaml;

/// <summary>Reads the <c>alerts</c> section: the webhooks told about health and failover events.</summary>
internal static class AlertReader
{
    public static AlertOptions Read(YamlMap root, Func<string, string?> environment)
    {
        var map = root.Map("alerts");
        if (map is null)
        {
            return new AlertOptions();
        }

        var webhooks = new List<WebhookOptions>();
        foreach (var node in map.Sequence("webhooks"))
        {
            if (node is not YamlMappingNode mapping)
            {
                map.Error(node, "each webhook is a mapping with at least 'url'");
                continue;
            }

            if (ReadWebhook(map.Child(mapping), environment) is { } webhook)
            {
                webhooks.Add(webhook);
            }
        }

        map.RejectUnknownKeys();
        return new AlertOptions { Webhooks = webhooks };
    }

    private static WebhookOptions? ReadWebhook(YamlMap map, Func<string, string?> environment)
    {
        var urlText = map.Scalar("url");
        var secret = map.Scalar("secret");
        var secretEnv = map.Scalar("secretEnv");
        var timeout = map.Duration("timeout", WebhookOptions.DefaultTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        var maxAttempts = map.Int("maxAttempts", WebhookOptions.DefaultMaxAttempts, 1, 100);
        var backoff = map.Duration("retryBackoff", WebhookOptions.DefaultRetryBackoff, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));
        var queueSize = map.Int("queueSize", WebhookOptions.DefaultQueueSize, 1, 1_000_000);
        var events = ReadEvents(map);
        map.RejectUnknownKeys();

        var valid = true;
        if (urlText is null)
        {
            map.Error(null, "a webhook needs 'url' (an http or https URL)");
            valid = false;
        }
        else if (!Uri.TryCreate(urlText, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            // Webhook URLs often carry their token in the path: name the problem, never quote the URL.
            var problem = parsed is null ? "this one is not an absolute URL" : $"this one's scheme is {Excerpt.Quote(parsed.Scheme)}";
            map.Error("url", $"'url' must be an absolute http or https URL; {problem}");
            valid = false;
        }

        if (secret is not null && secretEnv is not null)
        {
            map.Error("secretEnv", "give 'secret' or 'secretEnv', not both");
            valid = false;
        }
        else if (secretEnv is not null)
        {
            secret = environment(secretEnv);
            if (string.IsNullOrEmpty(secret))
            {
                map.Error("secretEnv", $"environment variable {secretEnv} (secretEnv) is not set");
                valid = false;
            }
        }
        else if (secret is "")
        {
            map.Error("secret", "'secret' is empty; leave it out to send unsigned requests");
            valid = false;
        }

        return valid
            ? new WebhookOptions
            {
                Url = new Uri(urlText!),
                Events = events,
                Secret = secret,
                SecretEnv = secretEnv,
                Timeout = timeout,
                MaxAttempts = maxAttempts,
                RetryBackoff = backoff,
                QueueSize = queueSize,
                Location = map.Location,
            }
            : null;
    }

    private static IReadOnlyList<AlertEventKind> ReadEvents(YamlMap map)
    {
        if (!map.Has("events"))
        {
            return AlertEventNames.All;
        }

        var events = new List<AlertEventKind>();
        foreach (var node in map.Sequence("events"))
        {
            var name = (node as YamlScalarNode)?.Value;
            if (AlertEventNames.TryParse(name, out var kind))
            {
                events.Add(kind);
            }
            else
            {
                map.Error(node, $"unknown event {Excerpt.Quote(name)} (expected one of: {string.Join(", ", AlertEventNames.All.Select(AlertEventNames.ToName))})");
            }
        }

        return events;
    }
}
