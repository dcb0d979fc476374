using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FailoverDns.Server.Tests.Support;
using FailoverDns.Testing.Http;
using FluentAssertions;

namespace FailoverDns.Server.Tests.Admin;

/// <summary>Hostile and mistaken requests to the admin API: each is refused with a JSON message saying what was wrong, and changes nothing.</summary>
public sealed class AdminApiErrorTests
{
    private const string Primary = "NOERROR | www.example.test. 30 IN A 10.0.0.1";

    private static string Config(int backendPort, string admin = "") => $$"""
        listen: [127.0.0.1:0]
        logging: { level: Warning }
        {{admin}}
        healthChecks:
          - { name: web, type: tcp, target: 127.0.0.1, port: {{backendPort}}, interval: 60s }
        zones:
          - name: example.test
            soa: { email: hostmaster@example.test }
            nameservers: [ns1.example.test.]
            records:
              - { name: ns1, type: A, value: 192.0.2.53 }
            failover:
              - name: www
                type: A
                ttl: 30
                primary: { value: 10.0.0.1, healthCheck: web }
                secondary: { value: 10.0.1.1 }
        """;

    public static TheoryData<string, string> BadOverrides => new()
    {
        { $$"""{"state":"unhealthy","reason":"{{new string('x', 201)}}"}""", "'reason' is 201 characters long; at most 200 are allowed" },
        { """{"state":"unhealthy","reason":"drill\n[00:00:00 INF] forged line"}""", "'reason' must be one line of plain text: character 6 is U+000A, a control character" },
        { """{"state":"unhealthy","reason":"drill\u202Eenil"}""", "character 6 is U+202E" },
        { """{"state":"unhealthy","until":"9999-12-31T00:00:00Z"}""", "'until' may be at most 30d ahead (admin.maxOverride), so no later than " },
        { """{"state":"unhealthy","untill":"2030-01-01T00:00:00Z"}""", "the body is not a valid override at $.untill" },
        { """{"state":"unhealthy","until":"tomorrow"}""", "the body is not a valid override at $.until" },
        { """{"state":""", "the body is not a valid override" },
        { "null", "the body must be a JSON object such as {\"state\": \"unhealthy\"" },
        { "{}", "'state' is missing: give \"healthy\" or \"unhealthy\"" },
    };

    [Theory]
    [MemberData(nameof(BadOverrides))]
    public async Task Override_BadBody_BadRequestWithMessage(string body, string message)
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        using var response = await PutAsync(server, body, "application/json");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ErrorAsync(response)).Should().Contain(message);
        (await server.GetJsonAsync("/api/health-checks/web")).TryGetProperty("override", out _).Should().BeFalse();
        (await DnsAnswers.AskAsync(server, "www.example.test")).Should().Be(Primary);
    }

    [Fact]
    public async Task Override_UntilWithinConfiguredMaximum_AcceptedAndBeyondRefused()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port, "admin: { maxOverride: 2h }"));
        var now = DateTimeOffset.UtcNow;

        using var tooFar = await PutAsync(server, $$"""{"state":"unhealthy","until":"{{now.AddHours(3):O}}"}""", "application/json");
        using var inside = await PutAsync(server, $$"""{"state":"unhealthy","until":"{{now.AddHours(1):O}}","reason":"patching"}""", "application/json");

        tooFar.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ErrorAsync(tooFar)).Should().StartWith("'until' may be at most 2h ahead (admin.maxOverride)");
        inside.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Override_NotJson_UnsupportedMediaTypeWithMessage()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        using var response = await PutAsync(server, "state=unhealthy", "application/x-www-form-urlencoded");

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        (await ErrorAsync(response)).Should().StartWith("the body must be JSON sent with Content-Type: application/json (given: application/x-www-form-urlencoded)");
    }

    [Fact]
    public async Task Override_BodyOverLimit_PayloadTooLargeWithMessage()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));
        var huge = $$"""{"state":"unhealthy","reason":"{{new string('x', 1024 * 1024)}}"}""";

        using var response = await PutAsync(server, huge, "application/json");

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await ErrorAsync(response)).Should().Be("PUT /api/health-checks/web/override: the body is larger than the admin API's limit of 16384 bytes");
    }

    [Fact]
    public async Task UnknownRoute_NotFoundWithMessage()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        using var response = await server.Admin.GetAsync("/api/nothing-here");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ErrorAsync(response)).Should().Be("no such endpoint: GET /api/nothing-here (the README's Admin API section lists them)");
    }

    [Fact]
    public async Task WrongMethod_MethodNotAllowedWithTheAllowedOnes()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port));

        using var response = await server.Admin.PostAsync("/api/health-checks/web/override", null);

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        (await ErrorAsync(response)).Should().Be("POST /api/health-checks/web/override: this path takes DELETE, PUT");
    }

    [Fact]
    public async Task Token_Missing_UnauthorizedWithMessage()
    {
        await using var backend = LoopbackHttpServer.Start();
        await using var server = await ServerFixture.StartAsync(Config(backend.Port, "admin: { listen: 127.0.0.1:0, token: 0123456789abcdef-token }"));
        using var anonymous = new HttpClient { BaseAddress = server.Admin.BaseAddress };

        using var response = await anonymous.PutAsync("/api/health-checks/web/override", new StringContent("{}", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await ErrorAsync(response)).Should().Be("a bearer token is required (Authorization: Bearer <admin.token>)");
    }

    private static async Task<HttpResponseMessage> PutAsync(ServerFixture server, string body, string contentType)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await server.Admin.PutAsync("/api/health-checks/web/override", content);
    }

    /// <summary>The message of the API's error shape, <c>{"error": "…"}</c>, served as JSON.</summary>
    private static async Task<string> ErrorAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        var text = await response.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(text).RootElement;
        json.EnumerateObject().Select(p => p.Name).Should().Equal(["error"], text);
        return json.GetProperty("error").GetString()!;
    }
}
