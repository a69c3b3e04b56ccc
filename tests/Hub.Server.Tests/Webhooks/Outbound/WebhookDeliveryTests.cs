using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Core.Webhooks;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Modules.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Webhooks.Outbound;

/// <summary>Signed delivery, retries with backoff, dead letters and manual redelivery against a real HTTP receiver.</summary>
public sealed class WebhookDeliveryTests(WebhooksHub hub) : IClassFixture<WebhooksHub>, IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Receiver_that_fails_twice_gets_the_event_three_times_with_the_same_id_and_a_valid_signature()
    {
        var (admin, _) = await hub.NewWorkspaceAsync();
        var created = await WebhooksHub.SubscribeAsync(admin, _receiver.Url, "webhook.test.*");
        var id = created.Str("id");
        var secret = created.Str("secret");
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.False((await admin.GetJsonAsync($"/api/v1/webhooks/{id}")).TryGetProperty("secret", out _)); // shown once only

        _receiver.Script.Enqueue(500);
        _receiver.Script.Enqueue(500);
        var ping = await admin.PostAsync($"/api/v1/webhooks/{id}/test", null);
        Assert.Equal(HttpStatusCode.Accepted, ping.StatusCode);
        var deliveryId = (await ping.JsonAsync()).Str("id");

        Assert.Equal(1, await hub.DispatchAsync());                  // attempt 1: 500
        Assert.Equal(0, await hub.DispatchAsync());                  // backoff: nothing due before 1 s
        hub.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await hub.DispatchAsync());                  // attempt 2: 500
        hub.Clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, await hub.DispatchAsync());                  // 4 of the 5 s: still waiting
        var waiting = await admin.GetJsonAsync($"/api/v1/webhooks/deliveries/{deliveryId}");
        Assert.Equal("failed", waiting.Str("state"));
        Assert.Equal(500, waiting.GetProperty("last_status").GetInt32());
        Assert.Contains("receiver says 500", waiting.Str("last_error"), StringComparison.Ordinal);
        hub.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await hub.DispatchAsync());                  // attempt 3: 200

        var requests = _receiver.Requests.ToList();
        Assert.Equal(3, requests.Count);
        var eventId = requests[0].Headers["X-Hub-Webhook-Id"];
        foreach (var request in requests)
        {
            Assert.Equal(eventId, request.Headers["X-Hub-Webhook-Id"]);
            Assert.True(CustomerVerifier.Verify(secret, request.Headers, request.Body, hub.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
            Assert.False(CustomerVerifier.Verify(secret + "x", request.Headers, request.Body, hub.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
            Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
            Assert.Equal("webhook.test.ping", request.Headers["X-Hub-Webhook-Subject"]);
            var envelope = JsonDocument.Parse(request.Body).RootElement;
            Assert.Equal(eventId, envelope.Str("id"));
            Assert.Equal("webhook.test.ping", envelope.Str("subject"));
            Assert.Equal("1.0", envelope.Str("version"));
            Assert.Equal("hub", envelope.Str("source"));
            Assert.Equal(id, envelope.GetProperty("data").Str("webhook_id"));
        }

        Assert.Equal(requests[0].Body, requests[2].Body); // the same bytes on every retry
        var body = requests[0].Body.ToArray();
        body[^2] ^= 1;
        Assert.False(CustomerVerifier.Verify(secret, requests[0].Headers, body, hub.Clock.GetUtcNow(), TimeSpan.FromMinutes(5))); // tampered

        var log = await admin.GetJsonAsync($"/api/v1/webhooks/{id}/deliveries");
        var entry = Assert.Single(log.GetProperty("items").EnumerateArray());
        Assert.Equal("succeeded", entry.Str("state"));
        Assert.Equal(3, entry.GetProperty("attempts").GetInt32());
        Assert.Equal(200, entry.GetProperty("last_status").GetInt32());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("last_error").ValueKind);
        Assert.Equal(eventId, entry.Str("event_id"));
        Assert.Single((await admin.GetJsonAsync($"/api/v1/webhooks/{id}/deliveries?state=succeeded")).GetProperty("items").EnumerateArray());
        Assert.Empty((await admin.GetJsonAsync($"/api/v1/webhooks/{id}/deliveries?state=dead")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_delivery_is_dead_after_the_schedule_with_the_last_error_and_redelivery_resends_the_same_id()
    {
        var (admin, _) = await hub.NewWorkspaceAsync();
        var created = await WebhooksHub.SubscribeAsync(admin, _receiver.Url, "*");
        var id = created.Str("id");
        _receiver.Otherwise = 503;
        var deliveryId = (await (await admin.PostAsync($"/api/v1/webhooks/{id}/test", null)).JsonAsync()).Str("id");

        Assert.Equal(1, await hub.DispatchAsync());
        foreach (var wait in WebhookOptions.DefaultRetrySchedule)
        {
            hub.Clock.Advance(wait - TimeSpan.FromSeconds(1));
            Assert.Equal(0, await hub.DispatchAsync());
            hub.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(1, await hub.DispatchAsync());
        }

        hub.Clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(0, await hub.DispatchAsync()); // dead: no more tries
        var dead = await admin.GetJsonAsync($"/api/v1/webhooks/deliveries/{deliveryId}");
        Assert.Equal("dead", dead.Str("state"));
        Assert.Equal(WebhookOptions.DefaultRetrySchedule.Count + 1, dead.GetProperty("attempts").GetInt32());
        Assert.Equal(503, dead.GetProperty("last_status").GetInt32());
        Assert.Contains("503", dead.Str("last_error"), StringComparison.Ordinal);
        Assert.Contains("receiver says 503", dead.Str("last_error"), StringComparison.Ordinal);
        Assert.Single((await admin.GetJsonAsync($"/api/v1/webhooks/{id}/deliveries?state=dead")).GetProperty("items").EnumerateArray());
        Assert.Equal(7, _receiver.Requests.Count);

        _receiver.Otherwise = 204;
        var redeliver = await admin.PostAsync($"/api/v1/webhooks/deliveries/{deliveryId}/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        Assert.Equal("pending", (await redeliver.JsonAsync()).Str("state"));
        Assert.Equal(1, await hub.DispatchAsync());
        var done = await admin.GetJsonAsync($"/api/v1/webhooks/deliveries/{deliveryId}");
        Assert.Equal("succeeded", done.Str("state"));
        Assert.Equal(8, done.GetProperty("attempts").GetInt32());
        Assert.Single(_receiver.Requests.Select(r => r.Headers["X-Hub-Webhook-Id"]).Distinct());
        Assert.Equal(8, _receiver.Requests.Count);

        var again = await admin.PostAsync($"/api/v1/webhooks/deliveries/{deliveryId}/redeliver", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode); // succeeded: nothing to redeliver
    }

    [Fact]
    public async Task A_dispatcher_that_died_mid_post_is_taken_over_after_its_lease_with_the_same_id()
    {
        var (admin, workspaceId) = await hub.NewWorkspaceAsync();
        var id = Guid.Parse((await WebhooksHub.SubscribeAsync(admin, _receiver.Url, "webhook.test.ping")).Str("id"));
        await admin.PostAsync($"/api/v1/webhooks/{id}/test", null);

        // A node claims the row and counts its attempt, then dies before the answer.
        var claimed = await hub.InAsync(workspaceId, async (_, services) =>
            Assert.Single(await services.GetRequiredService<Hub.Data.Claims.RowClaimer>().ClaimAsync(WebhookWorker.Due, "dead-node", 10, hub.Options.Lease, CancellationToken.None)));
        await hub.InAsync(workspaceId, (db, _) => db.WebhookDeliveries.Where(d => d.Id == claimed.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.Attempts, 1)));
        Assert.Equal(0, await hub.DispatchAsync()); // still leased

        hub.Clock.Advance(hub.Options.Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await hub.DispatchAsync());
        var request = Assert.Single(_receiver.Requests);
        Assert.Equal(claimed.EventId.ToString(), request.Headers["X-Hub-Webhook-Id"]);
        var row = Assert.Single(await hub.DeliveriesAsync(workspaceId, id));
        Assert.Equal(WebhookDeliveryState.Succeeded, row.State);
        Assert.Equal(2, row.Attempts);
        Assert.Null(row.LockedBy);
    }

    [Fact]
    public async Task After_rotation_deliveries_are_signed_with_the_new_secret_only()
    {
        var (admin, _) = await hub.NewWorkspaceAsync();
        var created = await WebhooksHub.SubscribeAsync(admin, _receiver.Url, "webhook.*");
        var id = created.Str("id");
        var rotated = await admin.PostJsonAsync($"/api/v1/webhooks/{id}/rotate-secret", new { });
        var secret = rotated.Str("secret");
        Assert.NotEqual(created.Str("secret"), secret);
        Assert.EndsWith(secret[^4..], (await admin.GetJsonAsync($"/api/v1/webhooks/{id}")).Str("secret_hint"), StringComparison.Ordinal);

        await admin.PostAsync($"/api/v1/webhooks/{id}/test", null);
        Assert.Equal(1, await hub.DispatchAsync());
        var request = Assert.Single(_receiver.Requests);
        Assert.True(CustomerVerifier.Verify(secret, request.Headers, request.Body, hub.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.False(CustomerVerifier.Verify(created.Str("secret"), request.Headers, request.Body, hub.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_counts_as_a_failure()
    {
        var (admin, _) = await hub.NewWorkspaceAsync();
        var id = (await WebhooksHub.SubscribeAsync(admin, _receiver.Url, "webhook.test.ping")).Str("id");
        _receiver.Script.Enqueue(302);
        var deliveryId = (await (await admin.PostAsync($"/api/v1/webhooks/{id}/test", null)).JsonAsync()).Str("id");
        Assert.Equal(1, await hub.DispatchAsync());

        var delivery = await admin.GetJsonAsync($"/api/v1/webhooks/deliveries/{deliveryId}");
        Assert.Equal("failed", delivery.Str("state"));
        Assert.Equal(302, delivery.GetProperty("last_status").GetInt32());
        Assert.Contains("not followed", delivery.Str("last_error"), StringComparison.Ordinal);
        Assert.Single(_receiver.Requests);
        hub.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await hub.DispatchAsync()); // the retry answers 200
        Assert.Equal("succeeded", (await admin.GetJsonAsync($"/api/v1/webhooks/deliveries/{deliveryId}")).Str("state"));
    }

    [Fact]
    public async Task A_paused_subscription_gets_no_events_but_a_test_ping_still_goes()
    {
        var (admin, workspaceId) = await hub.NewWorkspaceAsync();
        var id = (await WebhooksHub.SubscribeAsync(admin, _receiver.Url, "*")).Str("id");
        var paused = await admin.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { active = false });
        Assert.False((await paused.JsonAsync()).GetProperty("active").GetBoolean());

        var published = await hub.InAsync(workspaceId, (_, services) =>
            services.GetRequiredService<WebhookPublisher>().PublishAsync(workspaceId, "inbox.message.received", new { text = "hi" }, null, CancellationToken.None));
        Assert.Null(published);
        await admin.PostAsync($"/api/v1/webhooks/{id}/test", null);
        Assert.Equal(1, await hub.DispatchAsync());
        Assert.Equal("webhook.test.ping", Assert.Single(_receiver.Requests).Headers["X-Hub-Webhook-Subject"]);
    }
}
