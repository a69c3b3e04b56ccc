using System.Net.Http.Json;
using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Core.Delivery;
using Hub.Data;
using Hub.Server.Modules.Campaigns;
using Hub.Server.Modules.Delivery;
using Hub.Server.Tests.Delivery;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Server.Tests.Campaigns;

/// <summary>Hub with the campaign sweep and delivery workers off, so tests drive the runner and delivery step by step.</summary>
public class CampaignTestApp : HubApp
{
    public const string TrackingBase = "https://hub.test";

    public CampaignTestApp()
        : this(realSockets: false)
    {
    }

    protected CampaignTestApp(bool realSockets, TimeProvider? clock = null)
    {
        UseRealSockets = realSockets;
        ExtraServices = s =>
        {
            s.AddSingleton<IChannelSender>(Sender);
            if (clock is not null)
            {
                s.AddSingleton(clock);
            }
        };
        Settings["Delivery:Enabled"] = "false";
        Settings["Campaigns:RunnerEnabled"] = "false";
        Settings["Campaigns:AbMinSample"] = "1";
        Settings["Tracking:BaseUrl"] = TrackingBase;
        Settings["Tracking:RateLimitPerMinute"] = "1000000";
        Settings["Tracking:ScannerWindow"] = "00:00:00"; // tests click right after delivery; scanners are told by agent
    }

    /// <summary>Waits until the tracking hit writer has stored every hit queued so far.</summary>
    public Task FlushHitsAsync() =>
        Services.GetRequiredService<Hub.Server.Modules.Campaigns.Tracking.TrackingHitWriter>().FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

    public ScriptedSender Sender { get; } = new();

    public IServiceScopeFactory Scopes => Services.GetRequiredService<IServiceScopeFactory>();

    /// <summary>One runner turn for the campaign, as the sweep gives it.</summary>
    public async Task<CampaignTurn> RunAsync(Guid campaignId, TimeSpan? slice = null)
    {
        await using var scope = Scope();
        return await scope.ServiceProvider.GetRequiredService<CampaignRunner>().RunAsync(campaignId, slice ?? TimeSpan.FromMinutes(1), CancellationToken.None);
    }

    /// <summary>Delivers everything queued.</summary>
    public async Task DeliverAllAsync()
    {
        var options = new DeliveryOptions { BatchSize = 100 };
        while (await DeliveryWorker.RunOnceAsync(Scopes, "test-worker", options, CancellationToken.None) > 0)
        {
        }
    }

    /// <summary>Runs <paramref name="work"/> on a context scoped to the workspace of <paramref name="contactId"/>, then saves.</summary>
    public async Task WithContactWorkspaceAsync(Guid contactId, Func<HubDbContext, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var scope = Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var workspaceId = await db.Contacts.IgnoreQueryFilters().Where(c => c.Id == contactId).Select(c => c.WorkspaceId).FirstAsync();
        scope.ServiceProvider.GetRequiredService<Hub.Server.Auth.ScopedWorkspaceContext>().Use(workspaceId);
        await work(db);
        await db.SaveChangesAsync();
    }

    public async Task<List<CampaignRecipient>> LedgerAsync(Guid campaignId)
    {
        await using var scope = Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.CampaignRecipients.IgnoreQueryFilters().AsNoTracking().Where(r => r.CampaignId == campaignId).ToListAsync();
    }

    /// <summary>A fresh workspace with a scripted email channel and a template; returns its admin client.</summary>
    public async Task<(HttpClient Admin, Guid TemplateId)> WorkspaceAsync()
    {
        var admin = await NewWorkspaceAsync($"Campaigns {Guid.NewGuid():N}");
        var channel = await admin.PostAsJsonAsync("/api/v1/channels", new { name = "Mail", type = "email", provider = ScriptedSender.ProviderName, address = "news@acme.test" });
        channel.EnsureSuccessStatusCode();
        var sms = await admin.PostAsJsonAsync("/api/v1/channels", new { name = "Texts", type = "sms", provider = ScriptedSender.ProviderName, address = "+14155550000" });
        sms.EnsureSuccessStatusCode();
        Guid templateId;
        await using (var scope = Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var workspaceId = await db.Channels.IgnoreQueryFilters().Where(c => c.Address == "news@acme.test").OrderByDescending(c => c.CreatedAt).Select(c => c.WorkspaceId).FirstAsync();
            scope.ServiceProvider.GetRequiredService<Hub.Server.Auth.ScopedWorkspaceContext>().Use(workspaceId);
            var template = new Template { Name = "Spring", Subject = "Hi {{ contact.first_name }}", HtmlContent = "<p>Spring sale, {{ contact.first_name }}!</p>" };
            db.Templates.Add(template);
            await db.SaveChangesAsync();
            templateId = template.Id;
        }

        return (admin, templateId);
    }

    public static async Task<Guid> ContactAsync(HttpClient admin, object body)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/contacts", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static async Task<Guid> CampaignAsync(HttpClient admin, object body)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/campaigns", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }
}

/// <summary>
/// <see cref="CampaignTestApp"/> on a test clock that only the test moves: for quiet hours, schedules and other waits
/// that a test skips over instead of sitting through. Whatever waits on Hub's clock (a rate limit) waits until the test moves it.
/// </summary>
public sealed class CampaignClockApp() : CampaignTestApp(realSockets: false, new FakeTimeProvider(DateTimeOffset.UtcNow))
{
    public FakeTimeProvider Clock => (FakeTimeProvider)Services.GetRequiredService<TimeProvider>();
}

/// <summary><see cref="CampaignTestApp"/> on real loopback sockets, for SignalR watchers of campaigns.</summary>
public sealed class LiveCampaignApp : CampaignTestApp
{
    public LiveCampaignApp()
        : base(realSockets: true)
    {
        Settings["Campaigns:LiveInterval"] = "00:00:00.250";
    }

    /// <summary>An agent connection with the member JWT of <paramref name="member"/>.</summary>
    public Task<RealtimeClient> ConnectAgentAsync(HttpClient member) =>
        RealtimeClient.ConnectAsync(new Uri(Address!, "/hubs/agent"), member.DefaultRequestHeaders.Authorization!.Parameter!);
}
