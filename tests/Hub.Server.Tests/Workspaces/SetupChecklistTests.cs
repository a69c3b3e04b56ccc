using System.Net;
using System.Net.Http.Json;
using Hub.Core.Realtime;
using Hub.Server.Modules.Channels.Chat;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Server.Tests.Workspaces;

/// <summary>The first-run checklist ticks each step from what the workspace really holds, and only admins read it.</summary>
[Collection(LiveHubCollection.Name)]
public sealed class SetupChecklistTests(LiveHubApp app)
{
    private static async Task<Dictionary<string, bool>> StepsAsync(HttpClient admin)
    {
        var setup = await admin.GetJsonAsync("/api/v1/workspace/setup");
        return setup.GetProperty("steps").EnumerateArray().ToDictionary(s => s.Str("key"), s => s.GetProperty("done").GetBoolean());
    }

    [Fact]
    public async Task Each_step_ticks_itself_when_the_workspace_has_done_it()
    {
        var admin = await app.NewWorkspaceAsync($"First run {Guid.NewGuid():N}");
        var fresh = await admin.GetJsonAsync("/api/v1/workspace/setup");
        Assert.Equal(0, fresh.GetProperty("done").GetInt32());
        Assert.Equal(5, fresh.GetProperty("total").GetInt32());
        Assert.False(fresh.GetProperty("complete").GetBoolean());
        Assert.Equal(["channel", "widget", "teammate", "template", "campaign"], (await StepsAsync(admin)).Keys);

        // A web chat channel alone is not "connect a channel", nor is the widget installed until someone chats from it.
        var widgetKey = WidgetApi.NewWidgetKey();
        await admin.PostJsonAsync("/api/v1/channels", new { name = "Website", type = "chat", provider = "webchat", address = widgetKey });
        Assert.DoesNotContain(true, (await StepsAsync(admin)).Values);

        await admin.PostJsonAsync("/api/v1/channels", new { name = "Mail", type = "email", provider = "dev-sink", address = "news@first-run.test" });
        Assert.True((await StepsAsync(admin))["channel"]);

        var session = await app.Anonymous().PostJsonAsync("/api/v1/widget/sessions", new { widget_key = widgetKey });
        await using (var visitor = await RealtimeClient.ConnectAsync(new Uri(app.Address!, "/hubs/client"), session.Str("token")))
        {
            await visitor.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "Hello from the site"));
        }

        Assert.True((await StepsAsync(admin))["widget"]);

        await admin.PostJsonAsync("/api/v1/members", new { email = $"mate-{Guid.NewGuid():N}@first-run.test", display_name = "Mate", role = "agent", password = "Member-Passw0rd-Test" });
        Assert.True((await StepsAsync(admin))["teammate"]);

        var template = await admin.PostJsonAsync("/api/v1/templates", new { name = "Hello", subject = "Hi {{ contact.first_name }}", html_content = "<p>Hi</p>" });
        Assert.True((await StepsAsync(admin))["template"]);

        var tag = $"fr{Guid.NewGuid():N}"[..10];
        await admin.PostJsonAsync("/api/v1/contacts", new { email = $"{tag}@example.com", first_name = "Ada", attributes = new { tag } });
        var campaign = await admin.PostJsonAsync("/api/v1/campaigns", new
        {
            name = "First", type = "email", template_id = template.Str("id"),
            audience = new { conditions = new { all = new[] { new { field = "attributes.tag", @operator = "equals", value = tag } } } },
        });
        Assert.False((await StepsAsync(admin))["campaign"]); // a draft is not a campaign sent
        var started = await admin.PostAsync(new Uri($"/api/v1/campaigns/{campaign.Str("id")}/start", UriKind.Relative), null);
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());

        var done = await admin.GetJsonAsync("/api/v1/workspace/setup");
        Assert.Equal(5, done.GetProperty("done").GetInt32());
        Assert.True(done.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public async Task Only_admins_read_the_checklist_and_each_workspace_has_its_own()
    {
        var admin = await app.NewWorkspaceAsync($"Checklist {Guid.NewGuid():N}");
        var email = $"agent-{Guid.NewGuid():N}@first-run.test";
        await admin.PostJsonAsync("/api/v1/members", new { email, display_name = "Agent", role = "agent", password = "Member-Passw0rd-Test" });
        var agent = await app.SignedInAsync(email, "Member-Passw0rd-Test");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/workspace/setup")).StatusCode);

        // Another workspace's channels and members don't tick this one's steps.
        var other = await app.NewWorkspaceAsync($"Other {Guid.NewGuid():N}");
        await other.PostJsonAsync("/api/v1/channels", new { name = "Mail", type = "email", provider = "dev-sink", address = "x@other.test" });
        var steps = await StepsAsync(admin);
        Assert.False(steps["channel"]);
        Assert.True(steps["teammate"]);
        Assert.False((await StepsAsync(other))["teammate"]);
    }
}
