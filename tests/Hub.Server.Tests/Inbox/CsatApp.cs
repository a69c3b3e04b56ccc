using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Delivery;
using Hub.Server.Tests.Delivery;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Inbox;

/// <summary>Hub with CSAT on, delivery workers off (tests deliver with RunOnceAsync) and a scripted provider.</summary>
public class CsatApp : HubApp
{
    public const string SmsNumber = "+15550001111";

    public CsatApp()
        : this(enabled: true)
    {
    }

    protected CsatApp(bool enabled)
    {
        Settings["Inbox:Csat:Enabled"] = enabled ? "true" : "false";
        Settings["Delivery:Enabled"] = "false";
        Settings["Analytics:BackgroundJobs"] = "false";
        Settings["Webhooks:Enabled"] = "false";
        Settings["Inbox:AutoAssign"] = "false";
        ExtraServices = s => s.AddSingleton<IChannelSender>(Sender);
    }

    public ScriptedSender Sender { get; } = new();

    /// <summary>A new workspace with an email and an SMS channel on the scripted provider: its admin, its id and the admin's member id.</summary>
    public async Task<(HttpClient Admin, Guid Workspace, Guid Member)> TenantAsync()
    {
        var admin = await NewWorkspaceAsync($"Csat {Guid.NewGuid():N}");
        var workspace = Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"));
        var member = await InAsync(workspace, async db =>
        {
            var now = DateTimeOffset.UtcNow;
            db.Channels.Add(new Channel { Name = "Mail", Type = ChannelType.Email, Provider = ScriptedSender.ProviderName, Address = "support@acme.test", CreatedAt = now, UpdatedAt = now });
            db.Channels.Add(new Channel { Name = "SMS", Type = ChannelType.Sms, Provider = ScriptedSender.ProviderName, Address = SmsNumber, CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
            return await db.Set<Hub.Core.Members.Member>().IgnoreQueryFilters().Where(m => m.WorkspaceId == workspace).Select(m => m.Id).FirstAsync();
        });
        return (admin, workspace, member);
    }

    /// <summary>Runs <paramref name="work"/> with a context scoped to <paramref name="workspace"/>.</summary>
    public async Task<T> InAsync<T>(Guid workspace, Func<HubDbContext, Task<T>> work)
    {
        await using var scope = Scope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspace);
        return await work(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }

    public async Task<InboundResult> ReceiveAsync(InboundMessage message)
    {
        await using var scope = Scope();
        return await scope.ServiceProvider.GetRequiredService<IInboundProcessor>().ReceiveAsync(message, default);
    }

    /// <summary>The CSAT questions queued in the outbox for the conversation: (message id, channel, text).</summary>
    public Task<List<(Guid MessageId, ChannelType Channel, string Text, string? Subject)>> QuestionsAsync(Guid workspace, Guid conversationId) =>
        InAsync(workspace, async db => (await (
            from o in db.Outbox
            join m in db.Messages on o.MessageId equals m.Id
            where m.ConversationId == conversationId && m.SenderType == SenderType.System
            select new { o.MessageId, o.Channel, m.Text, m.Subject }).ToListAsync()).Select(x => (x.MessageId, x.Channel, x.Text, (string?)x.Subject)).ToList());

    public Task<List<CsatSurvey>> SurveysAsync(Guid workspace, Guid conversationId) =>
        InAsync(workspace, db => db.CsatSurveys.AsNoTracking().Where(s => s.ConversationId == conversationId).OrderBy(s => s.AskedAt).ToListAsync());

    public Task<Conversation> ConversationAsync(Guid workspace, Guid conversationId) =>
        InAsync(workspace, db => db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversationId));

    /// <summary>Delivers every due outbox row through the scripted provider.</summary>
    public async Task DeliverAsync()
    {
        var options = new DeliveryOptions { BatchSize = 50 };
        while (await DeliveryWorker.RunOnceAsync(Services.GetRequiredService<IServiceScopeFactory>(), "test", options, CancellationToken.None) > 0)
        {
        }
    }
}

/// <summary>The same Hub with CSAT off (the default).</summary>
public sealed class CsatOffApp : CsatApp
{
    public CsatOffApp()
        : base(enabled: false)
    {
    }
}
