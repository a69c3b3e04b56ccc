using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Core.Webhooks;
using Hub.Server.Modules.Campaigns;
using Hub.Server.Modules.Rules;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Webhooks.Outbound;

/// <summary>Real changes in Hub (an inbound message, a status callback, a resolution, a rule decision) become webhook deliveries.</summary>
public sealed class WebhookEventsTests(WebhooksHub hub) : IClassFixture<WebhooksHub>, IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Theory]
    [InlineData("inbox.message.received", "inbox.message.received", true)]
    [InlineData("inbox.message.*", "inbox.message.received", true)]
    [InlineData("inbox.*", "inbox.message.received", true)]
    [InlineData("inbox.*.received", "inbox.message.received", true)]
    [InlineData("*", "campaign.campaign.started", true)]
    [InlineData("campaign.*", "campaign.campaign.started", true)]
    [InlineData("campaign.*", "inbox.message.received", false)]
    [InlineData("inbox.message.*", "inbox.conversation.resolved", false)]
    [InlineData("inbox.*.sent", "inbox.message.received", false)]
    [InlineData("inbox.message.sent", "inbox.message.sent_late", false)]
    [InlineData("inbox.message", "inbox.message.received", false)]
    public void Subject_patterns_match_whole_segments_and_a_trailing_star_takes_the_rest(string pattern, string subject, bool matches) =>
        Assert.Equal(matches, WebhookSubjects.Matches(pattern, subject));

    [Fact]
    public async Task An_inbound_message_is_delivered_to_the_matching_subscriptions_only()
    {
        var (admin, workspaceId) = await hub.NewWorkspaceAsync();
        var exact = await WebhooksHub.SubscribeAsync(admin, new Uri(_receiver.Url, "exact"), "inbox.message.received");
        var wildcard = await WebhooksHub.SubscribeAsync(admin, new Uri(_receiver.Url, "wildcard"), "inbox.message.*");
        var everything = await WebhooksHub.SubscribeAsync(admin, new Uri(_receiver.Url, "all"), "*");
        var campaigns = await WebhooksHub.SubscribeAsync(admin, new Uri(_receiver.Url, "campaigns"), "campaign.*");
        var paused = await WebhooksHub.SubscribeAsync(admin, new Uri(_receiver.Url, "paused"), "*");
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/v1/webhooks/{paused.Str("id")}", new { active = false })).StatusCode);

        var result = await ReceiveAsync(workspaceId, "Where is my order?");

        foreach (var (subscription, expected) in new[] { (exact, 1), (wildcard, 1), (everything, 1), (campaigns, 0), (paused, 0) })
        {
            var rows = await hub.DeliveriesAsync(workspaceId, Guid.Parse(subscription.Str("id")));
            Assert.Equal(expected, rows.Count);
            Assert.All(rows, r => Assert.Equal(WebhookSubjects.MessageReceived, r.Subject));
        }

        await DrainAsync();
        var received = _receiver.Requests.Where(r => JsonDocument.Parse(r.Body).RootElement.Str("workspace_id") == workspaceId.ToString()).ToList();
        Assert.Equal(["/hooks/all", "/hooks/exact", "/hooks/wildcard"], received.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.Single(received.Select(r => r.Headers["X-Hub-Webhook-Id"]).Distinct()); // one event, one id, three endpoints
        var envelope = JsonDocument.Parse(received[0].Body).RootElement;
        Assert.Equal("inbox.message.received", envelope.Str("subject"));
        var data = envelope.GetProperty("data");
        Assert.Equal(result.MessageId.ToString(), data.Str("message_id"));
        Assert.Equal(result.ConversationId.ToString(), data.Str("conversation_id"));
        Assert.Equal("Where is my order?", data.Str("text"));
        Assert.Equal("inbound", data.Str("direction"));
        Assert.Equal("sms", data.Str("channel"));
        Assert.True(CustomerVerifier.Verify(exact.Str("secret"), received.Single(r => r.Path == "/hooks/exact").Headers, received.Single(r => r.Path == "/hooks/exact").Body,
            hub.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));

        // Resolving the conversation is an event too.
        var resolve = await admin.PatchAsJsonAsync($"/api/v1/conversations/{result.ConversationId}", new { status = "resolved" });
        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        var resolved = Assert.Single(await hub.DeliveriesAsync(workspaceId, Guid.Parse(everything.Str("id"))), d => d.Subject == WebhookSubjects.ConversationResolved);
        Assert.Equal(result.ConversationId.ToString(), JsonDocument.Parse(resolved.Payload).RootElement.GetProperty("data").Str("conversation_id"));
        await DrainAsync();
    }

    [Fact]
    public async Task A_provider_status_callback_publishes_the_message_status()
    {
        var (admin, workspaceId) = await hub.NewWorkspaceAsync();
        var subscription = await WebhooksHub.SubscribeAsync(admin, _receiver.Url, "inbox.message.*");
        var inbound = await ReceiveAsync(workspaceId, "Hello");
        var outboundId = await hub.InAsync(workspaceId, async (db, _) =>
        {
            var now = hub.Clock.GetUtcNow();
            var message = new Message
            {
                ConversationId = inbound.ConversationId, ChannelType = ChannelType.Sms, Direction = MessageDirection.Outbound, Status = MessageStatus.Sent,
                SenderType = SenderType.Member, Text = "On its way", ExternalId = $"SM{Guid.NewGuid():N}", Address = "+14155550100", CreatedAt = now, UpdatedAt = now,
            };
            db.Messages.Add(message);
            await db.SaveChangesAsync();
            return message.ExternalId!;
        });

        var applied = await hub.InAsync(workspaceId, (_, services) => services.GetRequiredService<IDeliveryStatusSink>().ApplyAsync(new DeliveryStatusUpdate
        {
            WorkspaceId = workspaceId, ProviderMessageId = outboundId, Status = MessageStatus.Bounced, Error = "30003: Unreachable", At = hub.Clock.GetUtcNow(),
        }, CancellationToken.None));
        Assert.True(applied);

        var bounced = Assert.Single(await hub.DeliveriesAsync(workspaceId, Guid.Parse(subscription.Str("id"))), d => d.Subject == WebhookSubjects.MessageBounced);
        var data = JsonDocument.Parse(bounced.Payload).RootElement.GetProperty("data");
        Assert.Equal("bounced", data.Str("status"));
        Assert.Equal("30003: Unreachable", data.Str("failure_reason"));
        await DrainAsync();
    }

    [Fact]
    public async Task A_rule_decision_is_published_with_the_event_as_correlation_id()
    {
        var (admin, workspaceId) = await hub.NewWorkspaceAsync();
        var subscription = await WebhooksHub.SubscribeAsync(admin, _receiver.Url, "rules.decision.created");
        var key = (await admin.PostJsonAsync("/api/v1/api-keys", new { name = "backend" })).Str("key");
        var accepted = await hub.App.WithApiKey(key).PostJsonAsync("/api/v1/events", new
        {
            user_id = "u-42", event_type = "cart_abandoned", event_timestamp = hub.Clock.GetUtcNow(), properties = new { }, user_traits = new { },
        });
        var eventId = accepted.Str("event_id");
        while (await RuleEvaluationWorker.RunOnceAsync(hub.Scopes, new EventsOptions { RetryDelay = TimeSpan.Zero }, CancellationToken.None) > 0)
        {
        }

        var row = Assert.Single(await hub.DeliveriesAsync(workspaceId, Guid.Parse(subscription.Str("id"))));
        Assert.Equal(WebhookSubjects.DecisionCreated, row.Subject);
        await DrainAsync();
        var request = Assert.Single(_receiver.Requests, r => r.Headers["X-Hub-Webhook-Id"] == row.EventId.ToString());
        var envelope = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(eventId, envelope.Str("correlation_id"));
        Assert.Equal("no_rule_matched", envelope.GetProperty("data").Str("outcome"));
        Assert.Equal("u-42", envelope.GetProperty("data").Str("user_id"));
    }

    [Fact]
    public async Task Campaign_status_moves_are_published()
    {
        var (admin, workspaceId) = await hub.NewWorkspaceAsync();
        var subscription = Guid.Parse((await WebhooksHub.SubscribeAsync(admin, _receiver.Url, "campaign.*")).Str("id"));
        var campaignId = await hub.InAsync(workspaceId, async (db, _) =>
        {
            var now = hub.Clock.GetUtcNow();
            var campaign = new Campaign { Name = "Black Friday", Type = CampaignType.Email, Status = CampaignStatus.Running, CreatedAt = now, UpdatedAt = now };
            db.Campaigns.Add(campaign);
            await db.SaveChangesAsync();
            return campaign.Id;
        });

        await hub.InAsync(workspaceId, async (_, services) =>
        {
            var lifecycle = services.GetRequiredService<CampaignLifecycle>();
            Assert.True(await lifecycle.MoveAsync(campaignId, CampaignStatus.Running, CampaignStatus.Paused, CancellationToken.None));
            Assert.False(await lifecycle.MoveAsync(campaignId, CampaignStatus.Running, CampaignStatus.Paused, CancellationToken.None)); // no move, no event
            Assert.True(await lifecycle.MoveAsync(campaignId, CampaignStatus.Paused, CampaignStatus.Running, CancellationToken.None));
            return 0;
        });

        var rows = await hub.DeliveriesAsync(workspaceId, subscription);
        Assert.Equal(["campaign.campaign.paused", "campaign.campaign.resumed"], rows.Select(r => r.Subject));
        var data = JsonDocument.Parse(rows[0].Payload).RootElement.GetProperty("data");
        Assert.Equal(campaignId.ToString(), data.Str("campaign_id"));
        Assert.Equal("Black Friday", data.Str("name"));
        Assert.Equal("paused", data.Str("status"));
        await DrainAsync();
    }

    [Fact]
    public async Task Another_workspace_can_neither_see_nor_touch_a_webhook_nor_receive_its_events()
    {
        var (alice, aliceId) = await hub.NewWorkspaceAsync();
        var (bob, bobId) = await hub.NewWorkspaceAsync();
        var aliceHook = (await WebhooksHub.SubscribeAsync(alice, new Uri(_receiver.Url, "alice"), "*")).Str("id");
        var bobHook = (await WebhooksHub.SubscribeAsync(bob, new Uri(_receiver.Url, "bob"), "*")).Str("id");
        var ping = (await (await alice.PostAsync($"/api/v1/webhooks/{aliceHook}/test", null)).JsonAsync()).Str("id");

        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/v1/webhooks/{aliceHook}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PatchAsJsonAsync($"/api/v1/webhooks/{aliceHook}", new { active = false })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync($"/api/v1/webhooks/{aliceHook}/rotate-secret", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync($"/api/v1/webhooks/{aliceHook}/test", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/v1/webhooks/{aliceHook}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/v1/webhooks/deliveries/{ping}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync($"/api/v1/webhooks/deliveries/{ping}/redeliver", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/api/v1/webhooks/{aliceHook}")).StatusCode);
        var bobList = (await bob.GetJsonAsync("/api/v1/webhooks")).GetProperty("items").EnumerateArray().Select(i => i.Str("id")).ToList();
        Assert.Equal([bobHook], bobList);

        await ReceiveAsync(aliceId, "Alice's customer writes");
        Assert.Empty(await hub.DeliveriesAsync(bobId, Guid.Parse(bobHook)));
        Assert.Equal(2, (await hub.DeliveriesAsync(aliceId, Guid.Parse(aliceHook))).Count);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/v1/webhooks/{aliceHook}")).StatusCode); // still there

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"/api/v1/webhooks/{aliceHook}")).StatusCode);
        Assert.Empty(await hub.DeliveriesAsync(aliceId, Guid.Parse(aliceHook))); // its log went with it
        await DrainAsync();
    }

    [Fact]
    public async Task Bad_subscriptions_are_refused_naming_the_field()
    {
        var (admin, _) = await hub.NewWorkspaceAsync();
        foreach (var subjects in new[] { Array.Empty<string>(), ["Inbox.Message"], ["inbox..x"], ["inbox.message"], ["a.b.c.d"] })
        {
            var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.com/hook", subjects });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("subjects", out _), string.Join(",", subjects));
        }

        var missing = await admin.PostAsJsonAsync("/api/v1/webhooks", new { subjects = new[] { "*" } });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("url", (await missing.Content.ReadAsStringAsync()), StringComparison.OrdinalIgnoreCase);
        var badState = await admin.GetAsync($"/api/v1/webhooks/{Guid.NewGuid()}/deliveries?state=lost");
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.True((await badState.JsonAsync()).GetProperty("errors").TryGetProperty("state", out _));
    }

    private Task<InboundResult> ReceiveAsync(Guid workspaceId, string text) =>
        hub.InAsync(workspaceId, (_, services) => services.GetRequiredService<IInboundProcessor>().ReceiveAsync(new InboundMessage
        {
            WorkspaceId = workspaceId, Channel = ChannelType.Sms, From = "+14155550123", To = "+14155550100", Text = text,
            ExternalId = $"SM{Guid.NewGuid():N}", ReceivedAt = hub.Clock.GetUtcNow(),
        }, CancellationToken.None));

    private async Task DrainAsync()
    {
        while (await hub.DispatchAsync() > 0)
        {
        }
    }
}
