using System.Net.Http.Json;
using System.Text.Json;
using Hub.Server.Modules.Rules;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.Webhooks.Outbound;

/// <summary>
/// A rule's webhook action goes out through the same guarded sender as outbound webhooks: it follows no redirect (here
/// private targets are allowed, so only the redirect rule can keep the second receiver dark), and it stays signed with
/// the workspace secret over the body, as docs/webhooks.md describes.
/// </summary>
public sealed class RuleWebhookTests(WebhooksHub hub) : IClassFixture<WebhooksHub>, IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;
    private WebhookReceiver _internal = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _internal = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _internal.DisposeAsync();
    }

    [Fact]
    public async Task A_rule_webhook_that_answers_with_a_redirect_is_not_followed_and_the_audit_says_so()
    {
        var (admin, _) = await hub.NewWorkspaceAsync();
        _receiver.RedirectTo = _internal.Url.ToString();
        _receiver.Script.Enqueue(302);
        var user = await FireRuleWebhookAsync(admin, _receiver.Url.ToString(), hub.Clock.GetUtcNow());

        var decision = await DecisionAsync(admin, user);
        Assert.Equal("error", decision.Str("outcome"));
        Assert.Contains("answered 302", decision.Str("reason"), StringComparison.Ordinal);
        Assert.Contains("not followed", decision.Str("reason"), StringComparison.Ordinal);
        Assert.Single(_receiver.Requests);
        Assert.Empty(_internal.Requests);
    }

    [Fact]
    public async Task A_rule_webhook_is_signed_over_its_body_with_the_workspace_secret()
    {
        var (admin, workspaceId) = await hub.NewWorkspaceAsync();
        var user = await FireRuleWebhookAsync(admin, _receiver.Url.ToString(), hub.Clock.GetUtcNow());

        var decision = await DecisionAsync(admin, user);
        Assert.Equal("sent", decision.Str("outcome"));
        Assert.Contains("answered 200", decision.Str("reason"), StringComparison.Ordinal);
        var request = Assert.Single(_receiver.Requests);
        var secret = await hub.InAsync(workspaceId, (db, _) => Task.FromResult(db.Workspaces.Single(w => w.Id == workspaceId).ClientTokenSecret));
        var expected = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), request.Body));
        Assert.Equal(expected, request.Headers["X-Hub-Signature-256"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(user, JsonDocument.Parse(request.Body).RootElement.Str("user_id"));
    }

    /// <summary>A new rule posting its own event type to <paramref name="url"/>, and one such event (not yet evaluated); returns its user.</summary>
    internal static async Task<string> FireRuleWebhookAsync(HttpClient admin, string url, DateTimeOffset at)
    {
        var eventType = $"ssrf_probe_{Guid.NewGuid():N}"[..30];
        var rule = await admin.PostAsJsonAsync("/api/v1/rules", new
        {
            name = $"to_{eventType}",
            trigger = new { event_type = eventType },
            action = new { type = "webhook", url },
            suppression = new { mode = "none" },
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, rule.StatusCode);
        var user = $"u-{Guid.NewGuid():N}";
        var accepted = await admin.PostAsJsonAsync("/api/v1/events", new
        {
            user_id = user, event_type = eventType, event_timestamp = at, properties = new { }, user_traits = new { },
        });
        Assert.True(accepted.IsSuccessStatusCode, $"POST /api/v1/events answered {(int)accepted.StatusCode}");
        return user;
    }

    private async Task<JsonElement> DecisionAsync(HttpClient admin, string user)
    {
        while (await RuleEvaluationWorker.RunOnceAsync(hub.Scopes, new EventsOptions { RetryDelay = TimeSpan.Zero }, CancellationToken.None) > 0)
        {
        }

        var audit = await admin.GetJsonAsync($"/api/v1/audit/{user}");
        return Assert.Single(audit.GetProperty("decisions").EnumerateArray());
    }
}
