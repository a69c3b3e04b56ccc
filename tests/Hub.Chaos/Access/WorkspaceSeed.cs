using System.Net.Http.Json;
using System.Text.Json;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Chaos.Access;

/// <summary>
/// One workspace with one of everything a route takes an id of (contact, conversation, message, campaign,
/// template, segment, channel, rule, webhook and a delivery of it, API key, member, canned response, alert rule,
/// notification, event), created through the public API as a customer would.
/// </summary>
public sealed class WorkspaceSeed
{
    private WorkspaceSeed(HttpClient admin, HttpClient apiKey, Dictionary<string, string> ids, string templateName)
    {
        Admin = admin;
        ApiKey = apiKey;
        Ids = ids;
        TemplateName = templateName;
    }

    /// <summary>A client with the workspace admin's JWT.</summary>
    public HttpClient Admin { get; }

    /// <summary>A client with an admin API key of the workspace.</summary>
    public HttpClient ApiKey { get; }

    /// <summary>Ids by kind: contact, user (external id), conversation, message, campaign, template, … .</summary>
    public IReadOnlyDictionary<string, string> Ids { get; }

    public string TemplateName { get; }

    public static async Task<WorkspaceSeed> CreateAsync(HubApp app, string name)
    {
        var admin = await app.NewWorkspaceAsync($"{name} {Guid.NewGuid():N}");
        var ids = new Dictionary<string, string>();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var templateName = $"TPL_{tag}";

        var key = await admin.PostJsonAsync("/api/v1/api-keys", new { name = $"{name} backend" });
        ids["api_key"] = key.Str("id");
        var apiKey = app.WithApiKey(key.Str("key"));
        ids["spare_api_key"] = (await admin.PostJsonAsync("/api/v1/api-keys", new { name = $"{name} spare" })).Str("id");

        ids["template"] = (await admin.PostJsonAsync("/api/v1/templates", TemplateBody(templateName))).Str("id");
        ids["campaign"] = (await admin.PostJsonAsync("/api/v1/campaigns", CampaignBody($"{name} campaign"))).Str("id");
        ids["segment"] = (await admin.PostJsonAsync("/api/v1/segments", SegmentBody($"{name} segment"))).Str("id");
        ids["rule"] = (await admin.PostJsonAsync("/api/v1/rules", RuleBody($"{name}_rule_{tag}", templateName))).Str("id");
        ids["webhook"] = (await admin.PostJsonAsync("/api/v1/webhooks", new { url = $"https://hooks.example.com/{tag}", subjects = new[] { "*" } })).Str("id");
        ids["delivery"] = (await admin.PostJsonAsync($"/api/v1/webhooks/{ids["webhook"]}/test", new { })).Str("id");
        ids["channel"] = (await admin.PostJsonAsync("/api/v1/channels", new
        {
            name = $"{name} SMS", type = "sms", provider = "twilio", address = "+14155550100",
            settings = new { account_sid = "AC" + tag, auth_token = "secret-" + tag },
        })).Str("id");
        ids["member"] = (await admin.PostJsonAsync("/api/v1/members", new
        {
            email = $"agent-{tag}@example.com", display_name = $"{name} agent", role = "agent", password = "Agent-Passw0rd-1",
        })).Str("id");
        ids["canned"] = (await admin.PostJsonAsync("/api/v1/canned-responses", new { short_code = $"hi{tag}", content = "Hello there" })).Str("id");
        ids["alert"] = (await admin.PostJsonAsync("/api/v1/analytics/alerts", new
        {
            name = $"{name} alert", metric = "event_count", comparison = "gt", threshold = 1000, window = "15m", severity = "high",
        })).Str("id");

        ids["user"] = $"user-{tag}";
        ids["contact"] = (await admin.PostJsonAsync("/api/v1/users", new { user_id = ids["user"], first_name = name, email = $"user-{tag}@example.com", phone = "+14155550123" })).Str("id");
        ids["notification"] = (await admin.PostJsonAsync("/api/v1/notifications", new { user_id = ids["user"], title = $"{name} secret", body = "private" })).Str("notification_id");
        ids["event"] = (await admin.PostJsonAsync("/api/v1/events", new
        {
            event_id = $"evt-{tag}", user_id = ids["user"], event_type = "order_placed", event_timestamp = DateTimeOffset.UtcNow,
            properties = new { amount = 10 },
        })).Str("event_id");
        ids["conversation"] = (await admin.PostJsonAsync("/api/v1/conversations", new { contact_id = ids["contact"], channel = "sms" })).Str("id");
        ids["message"] = (await admin.PostJsonAsync($"/api/v1/conversations/{ids["conversation"]}/messages", new { content = $"{name} internal note", @private = true })).Str("id");
        return new WorkspaceSeed(admin, apiKey, ids, templateName);
    }

    public static object TemplateBody(string name) => new { name, subject = "Hi {{ contact.first_name }}", html_content = "<p>Hello</p>" };

    public static object CampaignBody(string name) => new
    {
        name, type = "email", subject_line = "News", content = "<p>Hello</p>",
        audience = new { conditions = new { all = new[] { new { field = "attributes.box", @operator = "equals", value = "none" } } } },
    };

    public static object SegmentBody(string name) => new
    {
        name, conditions = new { all = new[] { new { field = "attributes.tier", @operator = "equals", value = "gold" } } },
    };

    public static object RuleBody(string name, string template) => new
    {
        name,
        trigger = new { event_type = "payment_failed" },
        conditions = new { all = new object[] { new { field = "properties.failure_reason", @operator = "equals", value = "INSUFFICIENT_FUNDS" } } },
        action = new { type = "send", template, channel = "email" },
        suppression = new { mode = "once_per_calendar_day" },
    };

    /// <summary>Everything the workspace's admin can read about its seeded objects, as one string (to compare before/after).</summary>
    public async Task<string> SnapshotAsync()
    {
        var urls = new[]
        {
            $"/api/v1/templates/{Ids["template"]}", $"/api/v1/campaigns/{Ids["campaign"]}", $"/api/v1/segments/{Ids["segment"]}",
            $"/api/v1/rules/{Ids["rule"]}", $"/api/v1/webhooks/{Ids["webhook"]}", $"/api/v1/channels/{Ids["channel"]}",
            $"/api/v1/contacts/{Ids["contact"]}", $"/api/v1/users/{Ids["user"]}", $"/api/v1/users/{Ids["user"]}/preferences",
            $"/api/v1/conversations/{Ids["conversation"]}", $"/api/v1/conversations/{Ids["conversation"]}/messages",
            $"/api/v1/messages/{Ids["message"]}", $"/api/v1/notifications/{Ids["notification"]}", $"/api/v1/events/{Ids["event"]}",
            "/api/v1/members", "/api/v1/api-keys", "/api/v1/canned-responses", "/api/v1/analytics/alerts", "/api/v1/workspace",
            "/api/v1/rules", "/api/v1/segments", "/api/v1/templates", "/api/v1/campaigns",
        };
        var parts = new List<string>();
        foreach (var url in urls)
        {
            using var response = await Admin.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            parts.Add($"{url} {(int)response.StatusCode} {Stable(body)}");
        }

        return string.Join('\n', parts);
    }

    /// <summary>The body without fields that change on their own (last use of the key the snapshot itself is not).</summary>
    private static string Stable(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return JsonSerializer.Serialize(doc.RootElement);
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
