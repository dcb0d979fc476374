namespace FailoverDns.Configuration.Tests;

/// <summary>Loads YAML text as <c>test.yaml</c> and returns its errors as <c>file:line:column: message</c>.</summary>
internal static class LoadErrors
{
    /// <summary>A valid zone; records appended to it start on line 7, indented like the one on line 6.</summary>
    public const string Zone = """
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }

        """;

    /// <summary>
    /// Health checks 'web' and 'backup', then a valid zone whose last key is 'failover:'; sets
    /// appended to it start on line 11, indented by six spaces.
    /// </summary>
    public const string FailoverZone = """
        healthChecks:
          - { name: web, type: http, target: 192.0.2.1 }
          - { name: backup, type: http, target: 192.0.2.2 }
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
            failover:

        """;

    /// <summary><paramref name="checks"/> under <c>healthChecks:</c> (line 1, so the first check is on line 2), then <see cref="Zone"/>.</summary>
    public static string WithHealthChecks(string checks) => "healthChecks:\n" + checks + "\n" + Zone;

    public static List<string> Of(string yaml)
    {
        var result = ConfigLoader.LoadText(yaml, "test.yaml");
        if (result.Errors.Count > 0)
        {
            result.Succeeded.Should().BeFalse();
            result.Config.Should().BeNull("a config with errors is not half-used");
            result.Snapshot.Should().BeNull();
        }

        return result.Errors.Select(e => e.ToString()).ToList();
    }
}
