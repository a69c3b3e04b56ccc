using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Notifications;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Delivery;
using Hub.Server.Modules.Notifications;
using Hub.Server.Tests.Delivery;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Notifications;

/// <summary>
/// Hub's clock for these tests: real time plus an offset a test moves forward (and back to zero afterwards).
/// Unlike a frozen fake clock it keeps SignalR's own timers and token checks on real time, so a connected device
/// survives the jump; tokens are minted before a jump (their not-before is checked against real time).
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

/// <summary>
/// Hub on real sockets with a shifted clock, a scripted email/SMS provider, and neither the push sweep nor the
/// delivery workers running by themselves: the tests drive both.
/// </summary>
public sealed class PushApp : HubApp
{
    public PushApp()
    {
        UseRealSockets = true;
        ExtraServices = s =>
        {
            s.AddSingleton<TimeProvider>(Clock);
            s.AddSingleton<IChannelSender>(Sender);
        };
        Settings["Notifications:RunSweeper"] = "false";
        Settings["Notifications:PushFallbackAfter"] = "00:15:00";
        Settings["Delivery:Enabled"] = "false";
    }

    public ShiftedClock Clock { get; } = new();

    public ScriptedSender Sender { get; } = new();

    public PushSweeper Sweeper => Services.GetRequiredService<PushSweeper>();

    /// <summary>A new workspace (signed-in admin) with active email and SMS channels on the scripted provider.</summary>
    public async Task<(HttpClient Admin, Guid WorkspaceId)> NewWorkspaceAsync()
    {
        var admin = await NewWorkspaceAsync($"Push {Guid.NewGuid():N}");
        var workspaceId = Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"));
        await InWorkspaceAsync(workspaceId, async db =>
        {
            var now = Clock.GetUtcNow();
            db.Channels.AddRange(
                new Channel { Name = "Mail", Type = ChannelType.Email, Provider = ScriptedSender.ProviderName, Address = "hello@acme.test", CreatedAt = now, UpdatedAt = now },
                new Channel { Name = "Texts", Type = ChannelType.Sms, Provider = ScriptedSender.ProviderName, Address = "+14155550100", CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
            return 0;
        });
        return (admin, workspaceId);
    }

    /// <summary>Creates the user (a contact with this external id) and returns its contact id.</summary>
    public static async Task<Guid> NewUserAsync(HttpClient admin, string userId, string? email = null, string? phone = null, string? timezone = null)
    {
        var contact = await admin.PostJsonAsync("/api/v1/contacts", new { external_id = userId, email, phone, timezone });
        return Guid.Parse(contact.Str("id"));
    }

    /// <summary>Writes the user's preferences as the preferences API would store them.</summary>
    public Task SetPreferencesAsync(Guid workspaceId, Guid contactId, Action<NotificationPreferences> change) =>
        InWorkspaceAsync(workspaceId, async db =>
        {
            var preferences = await db.NotificationPreferences.FirstOrDefaultAsync(p => p.ContactId == contactId);
            if (preferences is null)
            {
                preferences = new NotificationPreferences { ContactId = contactId };
                db.NotificationPreferences.Add(preferences);
            }

            change(preferences);
            preferences.UpdatedAt = Clock.GetUtcNow();
            await db.SaveChangesAsync();
            return 0;
        });

    /// <summary>An end-user token, minted now (before any clock jump), and a connection with it.</summary>
    public async Task<RealtimeClient> ConnectUserAsync(HttpClient admin, string userId) =>
        await RealtimeClient.ConnectAsync(new Uri(Address!, "/hubs/client"), await LiveHubApp.MintAsync(admin, userId));

    public async Task<T> InWorkspaceAsync<T>(Guid workspaceId, Func<HubDbContext, Task<T>> work)
    {
        await using var scope = Scope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
        return await work(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }

    public Task<Notification> NotificationAsync(Guid workspaceId, Guid id) =>
        InWorkspaceAsync(workspaceId, db => db.Notifications.AsNoTracking().SingleAsync(n => n.Id == id));

    /// <summary>Runs the delivery workers until the outbox has nothing due.</summary>
    public async Task DeliverAsync()
    {
        var scopes = Services.GetRequiredService<IServiceScopeFactory>();
        var options = new DeliveryOptions { BatchSize = 50, Lease = TimeSpan.FromSeconds(30) };
        while (await DeliveryWorker.RunOnceAsync(scopes, "push-tests", options, CancellationToken.None) > 0)
        {
        }
    }

    public static Guid IdOf(JsonElement accepted) => Guid.Parse(accepted.Str("notification_id"));
}

[CollectionDefinition(Name)]
public sealed class PushCollection : ICollectionFixture<PushApp>
{
    public const string Name = "push";
}
