using System.Text.Json;
using Hub.Core.Delivery;
using Hub.Data;
using Hub.Server.Modules.Delivery;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Chaos.Providers;

/// <summary>The outbox as the provider tests drive it: replies queued through the API, the real workers run one batch at a time.</summary>
public sealed class Pipeline(HubApp app, HttpClient admin)
{
    public HttpClient Admin => admin;

    /// <summary>Creates a channel through the API and returns its id.</summary>
    public async Task<string> ChannelAsync(string type, string provider, string address, object settings) =>
        (await admin.PostJsonAsync("/api/v1/channels", new { name = $"{provider} {Guid.NewGuid():N}"[..20], type, provider, address, settings })).Str("id");

    /// <summary>A contact, a conversation on <paramref name="channelId"/> and one agent reply in it; returns the reply's message id.</summary>
    public async Task<Guid> ReplyAsync(string channelId, string? email = null, string? phone = null, string subject = "Your order", string text = "Thanks, it ships today.")
    {
        var contact = await admin.PostJsonAsync("/api/v1/contacts", new { email, phone, first_name = "Chaos" });
        var conversation = await admin.PostJsonAsync("/api/v1/conversations", new { contact_id = contact.Str("id"), channel_id = channelId, subject });
        var reply = await admin.PostJsonAsync($"/api/v1/conversations/{conversation.Str("id")}/messages", new { content = text });
        return Guid.Parse(reply.Str("id"));
    }

    /// <summary>Runs worker batches until none of <paramref name="ids"/> is pending or sending (waiting out backoffs), or the time is up.</summary>
    public async Task DrainAsync(IReadOnlyCollection<Guid> ids, TimeSpan within, Action<OutboxEntry>? afterEachAttempt = null)
    {
        var options = new DeliveryOptions { BatchSize = 1, Lease = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DeliveryOptions>>().Value.Lease };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (await DeliveryWorker.RunOnceAsync(Scopes, "chaos", options, CancellationToken.None) > 0)
            {
                if (afterEachAttempt is not null)
                {
                    foreach (var row in await RowsAsync(ids))
                    {
                        afterEachAttempt(row);
                    }
                }

                continue;
            }

            if ((await RowsAsync(ids)).All(r => r.State is OutboxState.Sent or OutboxState.Dead))
            {
                return;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The outbox rows of <paramref name="ids"/>, read fresh.</summary>
    public async Task<List<OutboxEntry>> RowsAsync(IReadOnlyCollection<Guid> ids)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().Outbox.IgnoreQueryFilters().AsNoTracking()
            .Where(o => ids.Contains(o.MessageId)).ToListAsync();
    }

    /// <summary>The message as the API shows it.</summary>
    public Task<JsonElement> MessageAsync(Guid id) => admin.GetJsonAsync($"/api/v1/messages/{id}");

    private IServiceScopeFactory Scopes => app.Services.GetRequiredService<IServiceScopeFactory>();
}
