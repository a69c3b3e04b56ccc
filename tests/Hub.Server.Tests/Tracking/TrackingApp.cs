using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Tests.Delivery;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Modules.Campaigns.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Tracking;

/// <summary>Hub with a scripted mail provider, a known public URL and delivery driven by the tests.</summary>
public sealed class TrackingApp : HubApp
{
    public const string BaseUrl = "https://hub.test";

    public TrackingApp()
    {
        ExtraServices = s => s.AddSingleton<IChannelSender>(Sender);
        Settings["Delivery:Enabled"] = "false";
        Settings["Tracking:BaseUrl"] = BaseUrl;
        Settings["Tracking:SigningKey"] = Convert.ToBase64String("tracking-test-key-0123456789abcdef-0123456789"u8.ToArray());
        Settings["Tracking:UnsubscribeMailto"] = "unsubscribe@acme.test";
        Settings["Tracking:RateLimitPerMinute"] = "100000";
    }

    public ScriptedSender Sender { get; } = new();

    public TrackingLinks Links => Services.GetRequiredService<TrackingLinks>();

    public Task FlushAsync() => Services.GetRequiredService<TrackingHitWriter>().FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

    public async Task<Guid> WorkspaceIdAsync()
    {
        await using var scope = Scope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().Workspaces.Where(w => w.Name == "Acme").Select(w => w.Id).FirstAsync();
    }

    /// <summary>An outbound email to a new contact, sent <paramref name="sentAgo"/> ago (null: not sent yet, and queued in the outbox).</summary>
    public async Task<SeededMessage> SeedMessageAsync(TimeSpan? sentAgo, Guid? campaignId = null, Action<Guid, Message>? prepare = null)
    {
        var workspaceId = await WorkspaceIdAsync();
        await using var scope = Scope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = DateTimeOffset.UtcNow;
        var channel = new Channel { Name = "Scripted mail", Type = ChannelType.Email, Provider = ScriptedSender.ProviderName, Address = "news@acme.test", CreatedAt = now, UpdatedAt = now };
        var contact = new Contact { ExternalId = $"user-{Guid.NewGuid():N}", Email = $"{Guid.NewGuid():N}@example.com", CreatedAt = now, UpdatedAt = now };
        var conversation = new Conversation { ContactId = contact.Id, ChannelId = channel.Id, ChannelType = ChannelType.Email, LastMessageAt = now, CreatedAt = now, UpdatedAt = now };
        var message = new Message
        {
            ConversationId = conversation.Id, ChannelId = channel.Id, ChannelType = ChannelType.Email, Direction = MessageDirection.Outbound,
            SenderType = SenderType.System, Address = contact.Email, Subject = "Our winter sale", Text = "Hello", CreatedAt = now, UpdatedAt = now,
            Status = sentAgo is null ? MessageStatus.Queued : MessageStatus.Sent, SentAt = now - sentAgo,
        };
        message.IdempotencyKey = $"out:{message.Id:N}";
        if (campaignId is { } campaign)
        {
            message.Metadata["campaign_id"] = JsonSerializer.SerializeToElement(campaign.ToString());
        }

        prepare?.Invoke(workspaceId, message);
        db.AddRange(channel, contact, conversation, message);
        if (sentAgo is null)
        {
            db.Outbox.Add(new OutboxEntry { MessageId = message.Id, ChannelId = channel.Id, Channel = ChannelType.Email, NextAttemptAt = now, CreatedAt = now, UpdatedAt = now });
        }

        await db.SaveChangesAsync();
        return new SeededMessage(workspaceId, message.Id, contact.Id);
    }
}

/// <summary>A seeded message and who it went to.</summary>
public sealed record SeededMessage(Guid WorkspaceId, Guid MessageId, Guid ContactId);
