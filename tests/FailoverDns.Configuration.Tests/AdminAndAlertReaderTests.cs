using System.Net;

namespace FailoverDns.Configuration.Tests;

/// <summary>The <c>admin</c> and <c>alerts</c> sections: defaults, every key, and every mistake with its position.</summary>
public sealed class AdminAndAlertReaderTests
{
    private static FailoverDnsConfig Load(string sections, Func<string, string?>? environment = null)
    {
        var result = ConfigLoader.LoadText(sections + "\n" + LoadErrors.Zone, "/etc/failoverdns/test.yaml", environment);
        result.Errors.Should().BeEmpty();
        return result.Config!;
    }

    [Fact]
    public void LoadText_NoAdminSection_LoopbackPort8053AndStateFileBesideConfig()
    {
        var admin = Load("").Admin;

        admin.Listen.Should().Be(new IPEndPoint(IPAddress.Loopback, 8053));
        admin.Token.Should().BeNull();
        admin.RequiresToken.Should().BeFalse();
        admin.StateFile.Should().Be("/etc/failoverdns/failoverdns.state.json");
        admin.AllowedHosts.Should().BeEmpty();
        admin.MaxOverride.Should().Be(TimeSpan.FromDays(30));
    }

    [Fact]
    public void LoadText_AdminSection_EveryKeyRead()
    {
        var admin = Load("admin: { listen: \"[::]:9053\", token: abcdefghijklmnop-1, stateFile: state/overrides.json }").Admin;

        admin.Listen.Should().Be(new IPEndPoint(IPAddress.IPv6Any, 9053));
        admin.Token.Should().Be("abcdefghijklmnop-1");
        admin.RequiresToken.Should().BeTrue();
        admin.StateFile.Should().Be("/etc/failoverdns/state/overrides.json");
    }

    [Fact]
    public void LoadText_AllowedHostsAndMaxOverride_ReadNormalized()
    {
        var admin = Load("admin: { allowedHosts: [Admin.Example.COM., \"[2001:DB8::1]\", 192.0.2.10], maxOverride: 7d }").Admin;

        admin.AllowedHosts.Should().Equal("admin.example.com", "2001:db8::1", "192.0.2.10");
        admin.MaxOverride.Should().Be(TimeSpan.FromDays(7));
    }

    [Fact]
    public void LoadText_AllowedHostsAndMaxOverrideMistakes_ReportedWithPositions()
    {
        LoadErrors.Of("admin: { allowedHosts: [\"admin.example.com:8053\", \"a b\"], maxOverride: 400d }\n" + LoadErrors.Zone).Should().Equal(
            "test.yaml:1:25: 'allowedHosts' entries must be host names or addresses without a port, such as admin.example.com or 192.0.2.10, not 'admin.example.com:8053'",
            "test.yaml:1:51: 'allowedHosts' entries must be host names or addresses without a port, such as admin.example.com or 192.0.2.10, not 'a b'",
            "test.yaml:1:72: 'maxOverride' must be a duration from 1m to 8784h (like 500ms, 10s, 1m), not '400d'");
    }

    [Fact]
    public void LoadText_AdminDisabled_NoListenAddress()
    {
        Load("admin: { enabled: false }").Admin.Listen.Should().BeNull();
    }

    [Fact]
    public void LoadText_AdminMistakes_ReportedWithPositions()
    {
        LoadErrors.Of("admin: { listen: localhost, token: short, enabld: true }\n" + LoadErrors.Zone).Should().Equal(
            "test.yaml:1:18: 'listen' must be an address and port such as 127.0.0.1:8053, not 'localhost'",
            "test.yaml:1:36: 'token' must be at least 16 characters (it guards overrides)",
            "test.yaml:1:43: unknown key 'enabld' (expected one of: allowedHosts, enabled, listen, maxOverride, stateFile, token)");
    }

    [Fact]
    public void LoadText_Webhook_DefaultsAndEveryKey()
    {
        var alerts = Load("""
            alerts:
              webhooks:
                - url: https://hooks.example.com/T000/B000/xyz
                - url: http://127.0.0.1:9000/alerts
                  events: [failover, allUnhealthy]
                  secretEnv: HOOK_SECRET
                  timeout: 2s
                  maxAttempts: 8
                  retryBackoff: 500ms
                  queueSize: 50
            """, name => name == "HOOK_SECRET" ? "from-env" : null).Alerts;

        var first = alerts.Webhooks[0];
        first.Url.Should().Be(new Uri("https://hooks.example.com/T000/B000/xyz"));
        first.Events.Should().Equal(AlertEventNames.All);
        first.Secret.Should().BeNull();
        (first.Timeout, first.MaxAttempts, first.RetryBackoff, first.QueueSize).Should().Be((TimeSpan.FromSeconds(5), 5, TimeSpan.FromSeconds(1), 1000));
        first.SafeName.Should().Be("https://hooks.example.com");
        first.ToString().Should().NotContain("xyz", "a webhook URL's path can be its credential");
        var second = alerts.Webhooks[1];
        second.Events.Should().Equal(AlertEventKind.Failover, AlertEventKind.AllUnhealthy);
        second.Secret.Should().Be("from-env");
        (second.Timeout, second.MaxAttempts, second.RetryBackoff, second.QueueSize).Should().Be((TimeSpan.FromSeconds(2), 8, TimeSpan.FromMilliseconds(500), 50));
    }

    [Fact]
    public void LoadText_WebhookMistakes_ReportedWithPositions()
    {
        var yaml = """
            alerts:
              webhooks:
                - { url: ftp://example.com/hook }
                - { events: [failover, flapping] }
                - { url: "https://a.example/", secret: x, secretEnv: Y }
                - { url: "https://b.example/", secretEnv: NOT_SET, maxAttempts: 0 }
                - https://c.example/
              webhook: []
            """ + "\n" + LoadErrors.Zone;

        LoadErrors.Of(yaml).Should().Equal(
            "test.yaml:3:14: 'url' must be an absolute http or https URL; this one's scheme is 'ftp'",
            "test.yaml:4:7: a webhook needs 'url' (an http or https URL)",
            "test.yaml:4:28: unknown event 'flapping' (expected one of: unhealthy, recovered, failover, failback, allUnhealthy)",
            "test.yaml:5:58: give 'secret' or 'secretEnv', not both",
            "test.yaml:6:47: environment variable NOT_SET (secretEnv) is not set",
            "test.yaml:6:69: 'maxAttempts' must be a whole number from 1 to 100, not '0'",
            "test.yaml:7:7: each webhook is a mapping with at least 'url'",
            "test.yaml:8:3: unknown key 'webhook' (expected one of: webhooks)");
    }

    [Fact]
    public void LoadText_WebhookUrlNotAbsolute_ErrorDoesNotQuoteIt()
    {
        var yaml = "alerts:\n  webhooks:\n    - { url: hooks.example/services/T0/s3cr3t-t0ken }\n" + LoadErrors.Zone;

        LoadErrors.Of(yaml).Should().Equal("test.yaml:3:14: 'url' must be an absolute http or https URL; this one is not an absolute URL");
    }
}
