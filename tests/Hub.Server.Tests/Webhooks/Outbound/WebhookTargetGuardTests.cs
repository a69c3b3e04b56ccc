using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Hub.Core.Webhooks;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Modules.Rules;
using Hub.Server.Modules.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Server.Tests.Webhooks.Outbound;

/// <summary>The SSRF guard with its production default (private targets NOT allowed), on the shared Hub.</summary>
[Collection(HubCollection.Name)]
public sealed class WebhookTargetGuardTests(HubApp app)
{
    [Theory]
    [InlineData("http://127.0.0.1/hook")]
    [InlineData("http://localhost:8080/hook")]
    [InlineData("http://api.localhost/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://172.16.0.1/hook")]
    [InlineData("http://172.31.255.255/hook")]
    [InlineData("http://192.168.1.10/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://100.64.0.1/hook")]
    [InlineData("http://0.0.0.0/hook")]
    [InlineData("http://224.0.0.1/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[fd12:3456::1]/hook")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://[::ffff:10.0.0.1]/hook")]
    [InlineData("ftp://example.com/hook")]
    [InlineData("file:///etc/passwd")]
    [InlineData("https://user:pass@example.com/hook")]
    [InlineData("not a url")]
    public async Task A_private_or_non_http_target_is_refused_at_subscribe_time_naming_url(string url)
    {
        var admin = await app.NewWorkspaceAsync($"SSRF {Guid.NewGuid():N}");
        var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url, subjects = new[] { "*" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("url", out _));
    }

    [Theory]
    [InlineData("8.8.8.8", false)]
    [InlineData("172.32.0.1", false)]
    [InlineData("100.128.0.1", false)]
    [InlineData("2606:4700:4700::1111", false)]
    [InlineData("127.0.0.53", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("::", true)]
    [InlineData("::127.0.0.1", true)]
    [InlineData("ff02::1", true)]
    public void Addresses_are_judged_by_their_range(string address, bool forbidden) =>
        Assert.Equal(forbidden, WebhookTargetGuard.IsForbidden(IPAddress.Parse(address)));

    [Fact]
    public async Task A_public_target_is_accepted_and_updating_it_to_a_private_one_is_refused()
    {
        var admin = await app.NewWorkspaceAsync($"SSRF {Guid.NewGuid():N}");
        var created = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/hub", subjects = new[] { "inbox.message.*" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.JsonAsync()).Str("id");
        var update = await admin.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { url = "http://169.254.169.254/latest/meta-data/" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, update.StatusCode);
        Assert.True((await update.JsonAsync()).GetProperty("errors").TryGetProperty("url", out _));
    }

    [Fact]
    public async Task A_host_that_resolves_to_loopback_is_refused_at_send_time_and_nothing_reaches_it()
    {
        Assert.False(app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateTargets);
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = await app.NewWorkspaceAsync($"SSRF {Guid.NewGuid():N}");
        var workspaceId = Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"));

        // Saved before the guard could see it (as if the name resolved publicly then, and points home now).
        Guid subscriptionId;
        await using (var scope = app.Scope())
        {
            scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var subscription = new WebhookSubscription
            {
                Url = $"http://localhost:{receiver.Port}/hooks/hub", Subjects = ["*"], Secret = WebhookSigner.NewSecret(),
                CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            };
            db.WebhookSubscriptions.Add(subscription);
            await db.SaveChangesAsync();
            subscriptionId = subscription.Id;
        }

        var ping = await admin.PostAsync($"/api/v1/webhooks/{subscriptionId}/test", null);
        var deliveryId = (await ping.JsonAsync()).Str("id");
        var options = app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        JsonElement delivery = default;
        for (var i = 0; i < 100; i++) // this Hub's own dispatcher runs too: whoever takes it, the attempt ends refused
        {
            await WebhookWorker.RunOnceAsync(app.Services.GetRequiredService<IServiceScopeFactory>(), "guard-test", options, CancellationToken.None);
            delivery = await admin.GetJsonAsync($"/api/v1/webhooks/deliveries/{deliveryId}");
            if (delivery.GetProperty("attempts").GetInt32() > 0 && delivery.Str("state") != "pending")
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal("failed", delivery.Str("state"));
        Assert.Contains("Refused", delivery.Str("last_error"), StringComparison.Ordinal);
        Assert.Contains("private or reserved", delivery.Str("last_error"), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("last_status").ValueKind);
        Assert.Empty(receiver.Requests);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hooks/rule")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]/hooks")]
    [InlineData("https://user:pass@hooks.example.com/rule")]
    public async Task A_rule_webhook_to_a_private_address_is_refused_at_save_naming_action_url(string url)
    {
        var admin = await app.NewWorkspaceAsync($"SSRF {Guid.NewGuid():N}");
        var rule = new
        {
            name = $"ssrf_{Guid.NewGuid():N}"[..20],
            trigger = new { event_type = "ssrf_probe" },
            action = new { type = "webhook", url },
            suppression = new { mode = "none" },
        };
        var created = await admin.PostAsJsonAsync("/api/v1/rules", rule);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        Assert.Equal("application/problem+json", created.Content.Headers.ContentType?.MediaType);
        Assert.True((await created.JsonAsync()).GetProperty("errors").TryGetProperty("action.url", out _));

        var imported = await admin.PostAsync("/api/v1/rules/import", new StringContent(
            $"rules:\n  - name: ssrf_import\n    trigger: {{ event_type: ssrf_probe }}\n    action: {{ type: webhook, url: \"{url}\" }}\n",
            System.Text.Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, imported.StatusCode);
        Assert.True((await imported.JsonAsync()).GetProperty("errors").TryGetProperty("rules[0].action.url", out _));
        Assert.Empty((await admin.GetJsonAsync("/api/v1/rules")).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task A_rule_webhook_to_a_private_address_is_refused_when_it_fires_nothing_reaches_it_and_the_audit_says_why(string host)
    {
        Assert.False(app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateTargets);
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = await app.NewWorkspaceAsync($"SSRF {Guid.NewGuid():N}");
        var workspaceId = Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"));

        // Saved before the guard could see it (as if the name resolved publicly then, and points home now).
        var eventType = $"ssrf_probe_{Guid.NewGuid():N}"[..30];
        await using (var scope = app.Scope())
        {
            scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            db.Rules.Add(new Hub.Core.Rules.Rule
            {
                Name = $"to_{eventType}", EventType = eventType, Order = 1,
                Action = new Hub.Core.Rules.RuleAction { Type = Hub.Core.Rules.RuleActionType.Webhook, Url = $"http://{host}:{receiver.Port}/hooks/rule" },
                CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var user = $"u-{Guid.NewGuid():N}";
        var accepted = await admin.PostAsJsonAsync("/api/v1/events", new
        {
            user_id = user, event_type = eventType, event_timestamp = DateTimeOffset.UtcNow, properties = new { }, user_traits = new { },
        });
        Assert.True(accepted.IsSuccessStatusCode, $"POST /api/v1/events answered {(int)accepted.StatusCode}");

        JsonElement decision = default;
        for (var i = 0; i < 100; i++) // this Hub's own evaluation worker runs too: whoever takes the event, the POST ends refused
        {
            await RuleEvaluationWorker.RunOnceAsync(app.Services.GetRequiredService<IServiceScopeFactory>(), new EventsOptions(), CancellationToken.None);
            var audit = await admin.GetAsync($"/api/v1/audit/{user}");
            if (audit.IsSuccessStatusCode
                && (await audit.JsonAsync()).GetProperty("decisions").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } found
                && !found.Str("reason").EndsWith("queued.", StringComparison.Ordinal))
            {
                decision = found;
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal(JsonValueKind.Object, decision.ValueKind);
        Assert.Equal("error", decision.Str("outcome"));
        Assert.Contains("Refused", decision.Str("reason"), StringComparison.Ordinal);
        Assert.Contains("private or reserved", decision.Str("reason"), StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task The_connect_step_refuses_a_name_resolving_to_loopback_unless_allowed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var endpoint = new DnsEndPoint("localhost", receiver.Port);
        await Assert.ThrowsAsync<WebhookTargetRefusedException>(async () => await WebhookTargetGuard.ConnectAsync(endpoint, allowPrivate: false, CancellationToken.None));
        await using var stream = await WebhookTargetGuard.ConnectAsync(endpoint, allowPrivate: true, CancellationToken.None);
        Assert.True(stream.CanWrite);
    }
}
