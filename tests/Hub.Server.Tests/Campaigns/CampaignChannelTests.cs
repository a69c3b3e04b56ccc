using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Hub.Core.Notifications;
using Hub.Core.Realtime;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Server.Tests.Campaigns.CampaignTrackingTests;

namespace Hub.Server.Tests.Campaigns;

/// <summary>
/// Push and multi-channel campaigns (one message per recipient, on the first channel that reaches them), and click
/// tracking in the plain-text part of campaign email.
/// </summary>
public sealed class CampaignChannelTests(LiveCampaignApp app) : IClassFixture<LiveCampaignApp>
{
    private async Task<Guid> PushTemplateAsync(HttpClient admin)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/templates", new
        {
            name = $"Push {Guid.NewGuid():N}",
            subject = "Flash sale, {{ contact.first_name }}",
            html_content = "<p>50% off today</p>",
            text_content = "50% off today, {{ contact.first_name }}",
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    private async Task PreferencesAsync(Guid contactId, Action<NotificationPreferences> change)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var workspaceId = await db.Contacts.IgnoreQueryFilters().Where(c => c.Id == contactId).Select(c => c.WorkspaceId).FirstAsync();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
        var preferences = new NotificationPreferences { ContactId = contactId };
        change(preferences);
        db.NotificationPreferences.Add(preferences);
        await db.SaveChangesAsync();
    }

    private async Task<List<Notification>> NotificationsAsync(Guid contactId)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.Notifications.IgnoreQueryFilters().AsNoTracking().Where(n => n.ContactId == contactId).ToListAsync();
    }

    private Task<RealtimeClient> ConnectUserAsync(HttpClient admin, string userId) =>
        LiveHubApp.MintAsync(admin, userId).ContinueWith(t => RealtimeClient.ConnectAsync(new Uri(app.Address!, "/hubs/client"), t.Result), TaskScheduler.Default).Unwrap();

    [Fact]
    public async Task A_push_campaign_reaches_a_connected_user_keeps_it_for_an_offline_one_skips_an_opted_out_one_and_counts_the_open()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var templateId = await PushTemplateAsync(admin);
        var tag = $"p{Guid.NewGuid():N}"[..10];
        var online = await CampaignTestApp.ContactAsync(admin, new { external_id = $"{tag}-on", first_name = "Olga", attributes = new { tag } });
        var offline = await CampaignTestApp.ContactAsync(admin, new { external_id = $"{tag}-off", first_name = "Ivan", attributes = new { tag } });
        var optedOut = await CampaignTestApp.ContactAsync(admin, new { external_id = $"{tag}-no", first_name = "Nina", attributes = new { tag } });
        await PreferencesAsync(optedOut, p => p.PushEnabled = false);
        var id = await CampaignTestApp.CampaignAsync(admin, new { name = $"Push {tag}", type = "push", template_id = templateId, audience = Audience(tag) });

        await using var device = await ConnectUserAsync(admin, $"{tag}-on");
        await using var agent = await app.ConnectAgentAsync(admin);
        await agent.Connection.InvokeAsync<JsonElement>(RealtimeEventNames.CampaignWatch, new CampaignRef(id));
        await StartAsync(admin, id);
        await app.RunAsync(id);

        var push = (await device.WaitForAsync(RealtimeEventNames.NotificationPush)).GetProperty("data");
        Assert.Equal("Flash sale, Olga", push.Str("title"));
        Assert.Equal("50% off today, Olga", push.Str("body"));
        Assert.Equal(id, push.GetProperty("data").GetProperty("campaign_id").GetGuid());

        var ledger = (await app.LedgerAsync(id)).ToDictionary(r => r.ContactId);
        Assert.Equal(3, ledger.Count);
        Assert.Equal((RecipientState.Sent, ChannelType.Push), (ledger[online].State, ledger[online].Channel));
        Assert.Equal((RecipientState.Sent, ChannelType.Push), (ledger[offline].State, ledger[offline].Channel));
        Assert.Equal((RecipientState.Skipped, SkipReasons.Preferences), (ledger[optedOut].State, ledger[optedOut].Reason));
        Assert.Empty(await NotificationsAsync(optedOut));
        Assert.DoesNotContain(app.Sender.Envelopes, e => e.To.StartsWith(tag, StringComparison.Ordinal)); // nothing went by the outbox

        // The offline user's push is stored, not handed to anyone, until a device connects.
        var kept = Assert.Single(await NotificationsAsync(offline));
        Assert.Equal((ledger[offline].MessageId, (DateTimeOffset?)null), (kept.Id, kept.DeliveredAt));
        await using (var later = await ConnectUserAsync(admin, $"{tag}-off"))
        {
            var handed = await later.WaitForAsync(RealtimeEventNames.NotificationPush);
            Assert.Equal("Flash sale, Ivan", handed.GetProperty("data").Str("title"));
        }

        var stats = await admin.GetJsonAsync($"/api/v1/campaigns/{id}/stats");
        Assert.Equal("completed", stats.Str("status"));
        Assert.Equal((2, 0, 1), (stats.GetProperty("states").GetProperty("sent").GetInt32(), stats.GetProperty("opens").GetProperty("unique_human").GetInt32(),
            stats.GetProperty("skip_reasons").GetProperty(SkipReasons.Preferences).GetInt32()));

        // The user opens it: the campaign's stats and its live analytics move.
        var notificationId = Guid.Parse(push.Str("notification_id"));
        await device.Connection.InvokeAsync(RealtimeEventNames.NotificationAck, new NotificationAck(notificationId, "opened"));
        await device.Connection.InvokeAsync(RealtimeEventNames.NotificationAck, new NotificationAck(notificationId, "opened")); // twice is still one open
        stats = await admin.GetJsonAsync($"/api/v1/campaigns/{id}/stats");
        Assert.Equal((1, 1, 0), (stats.GetProperty("opens").GetProperty("unique_human").GetInt32(), stats.GetProperty("opens").GetProperty("raw").GetInt32(),
            stats.GetProperty("clicks").GetProperty("unique_human").GetInt32()));
        await agent.WaitForAsync(RealtimeEventNames.CampaignAnalytics,
            e => e.GetProperty("human").TryGetProperty(CampaignAnalyticsTypes.Opened, out var opened) && opened.GetInt32() == 1);

        await device.Connection.InvokeAsync(RealtimeEventNames.NotificationAck, new NotificationAck(notificationId, "clicked"));
        stats = await admin.GetJsonAsync($"/api/v1/campaigns/{id}/stats");
        Assert.Equal((1, 1), (stats.GetProperty("opens").GetProperty("unique_human").GetInt32(), stats.GetProperty("clicks").GetProperty("unique_human").GetInt32()));
        await agent.WaitForAsync(RealtimeEventNames.CampaignAnalytics,
            e => e.GetProperty("human").TryGetProperty(CampaignAnalyticsTypes.Clicked, out var clicked) && clicked.GetInt32() == 1);
    }

    [Fact]
    public async Task A_multi_channel_campaign_sends_each_recipient_one_message_on_the_first_channel_that_reaches_them()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var templateId = await PushTemplateAsync(admin);
        var tag = $"m{Guid.NewGuid():N}"[..10];
        var pushable = await CampaignTestApp.ContactAsync(admin, new { external_id = $"{tag}-a", email = $"{tag}-a@example.com", first_name = "Ana", attributes = new { tag } });
        var pushOff = await CampaignTestApp.ContactAsync(admin, new { external_id = $"{tag}-b", email = $"{tag}-b@example.com", phone = "+14155550101", first_name = "Ben", attributes = new { tag } });
        var phoneOnly = await CampaignTestApp.ContactAsync(admin, new { phone = "+14155550102", first_name = "Cy", attributes = new { tag } });
        var nothingAllowed = await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-d@example.com", first_name = "Di", attributes = new { tag } });
        await PreferencesAsync(pushOff, p => p.PushEnabled = false);
        await PreferencesAsync(nothingAllowed, p => p.EmailEnabled = false);
        var id = await CampaignTestApp.CampaignAsync(admin, new
        {
            name = $"Multi {tag}", type = "multi_channel", channels = new[] { "push", "email", "sms" }, template_id = templateId, audience = Audience(tag),
        });
        Assert.Equal(["push", "email", "sms"], (await admin.GetJsonAsync($"/api/v1/campaigns/{id}")).GetProperty("channels").EnumerateArray().Select(c => c.GetString()));

        await StartAsync(admin, id);
        await app.RunAsync(id);
        await app.DeliverAllAsync();

        var ledger = (await app.LedgerAsync(id)).ToDictionary(r => r.ContactId);
        Assert.Equal((RecipientState.Sent, ChannelType.Push, $"{tag}-a"), (ledger[pushable].State, ledger[pushable].Channel, ledger[pushable].Address));
        Assert.Equal((RecipientState.Sent, ChannelType.Email, $"{tag}-b@example.com"), (ledger[pushOff].State, ledger[pushOff].Channel, ledger[pushOff].Address));
        Assert.Equal((RecipientState.Sent, ChannelType.Sms, "+14155550102"), (ledger[phoneOnly].State, ledger[phoneOnly].Channel, ledger[phoneOnly].Address));
        Assert.Equal((RecipientState.Skipped, SkipReasons.NoChannel), (ledger[nothingAllowed].State, ledger[nothingAllowed].Reason));
        Assert.Contains("email: preferences", ledger[nothingAllowed].Detail, StringComparison.Ordinal);

        // Exactly one message each: a notification for Ana only, one email for Ben, one SMS for Cy, nothing for Di.
        Assert.Single(await NotificationsAsync(pushable));
        Assert.Empty(await NotificationsAsync(pushOff));
        var envelopes = app.Sender.Envelopes.Where(e => ledger.Values.Any(r => r.MessageId == e.MessageId)).ToList();
        Assert.Equal(2, envelopes.Count);
        var email = Assert.Single(envelopes, e => e.Channel == ChannelType.Email);
        Assert.Equal(($"{tag}-b@example.com", "Flash sale, Ben"), (email.To, email.Subject));
        var sms = Assert.Single(envelopes, e => e.Channel == ChannelType.Sms);
        Assert.Equal("+14155550102", sms.To);
        Assert.Contains("50% off today, Cy", sms.Text, StringComparison.Ordinal);

        var recipients = (await admin.GetJsonAsync($"/api/v1/campaigns/{id}/recipients")).GetProperty("items").EnumerateArray()
            .ToDictionary(r => r.GetProperty("contact_id").GetGuid(), r => r.GetProperty("channel"));
        Assert.Equal("sms", recipients[phoneOnly].GetString());
        Assert.Equal(JsonValueKind.Null, recipients[nothingAllowed].ValueKind);
    }

    [Fact]
    public async Task A_multi_channel_campaign_skips_a_channel_the_workspace_has_not_set_up()
    {
        var (admin, templateId) = await app.WorkspaceAsync();
        var channels = (await admin.GetJsonAsync("/api/v1/channels")).EnumerateArray().ToList();
        var sms = channels.Single(c => c.Str("type") == "sms").Str("id");
        (await admin.PatchAsJsonAsync($"/api/v1/channels/{sms}", new { is_active = false })).EnsureSuccessStatusCode();
        var tag = $"n{Guid.NewGuid():N}"[..10];
        var both = await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}@example.com", phone = "+14155550111", first_name = "Eve", attributes = new { tag } });
        var phoneOnly = await CampaignTestApp.ContactAsync(admin, new { phone = "+14155550112", first_name = "Fay", attributes = new { tag } });
        var id = await CampaignTestApp.CampaignAsync(admin, new
        {
            name = $"No SMS {tag}", type = "multi_channel", channels = new[] { "sms", "email" }, template_id = templateId, audience = Audience(tag),
        });

        await StartAsync(admin, id);
        await app.RunAsync(id);
        await app.DeliverAllAsync();

        var ledger = (await app.LedgerAsync(id)).ToDictionary(r => r.ContactId);
        Assert.Equal((RecipientState.Sent, ChannelType.Email), (ledger[both].State, ledger[both].Channel));
        Assert.Equal((RecipientState.Skipped, SkipReasons.NoChannel), (ledger[phoneOnly].State, ledger[phoneOnly].Reason));
        Assert.Contains("sms: no_channel", ledger[phoneOnly].Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Sender.Envelopes, e => e.Channel == ChannelType.Sms && (e.To == "+14155550111" || e.To == "+14155550112"));
    }

    [Theory]
    [InlineData("multi_channel", null, "channels")]
    [InlineData("multi_channel", new string[0], "channels")]
    [InlineData("multi_channel", new[] { "push", "fax" }, "channels[1]")]
    [InlineData("multi_channel", new[] { "email", "email" }, "channels[1]")]
    [InlineData("email", new[] { "email" }, "channels")]
    public async Task A_bad_channel_list_is_422_naming_the_field(string type, string[]? channels, string field)
    {
        var (admin, templateId) = await app.WorkspaceAsync();
        var response = await admin.PostAsJsonAsync("/api/v1/campaigns", new { name = "Bad", type, channels, template_id = templateId, audience = Audience("x") });
        var problem = await response.JsonAsync();
        Assert.True(response.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest, problem.ToString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Links_in_the_plain_text_part_go_through_the_same_signed_click_redirect_and_the_unsubscribe_link_stays()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var created = await admin.PostAsJsonAsync("/api/v1/templates", new
        {
            name = $"Text {Guid.NewGuid():N}",
            subject = "News",
            html_content = "<html><body><a href=\"https://shop.example.com/sale?x=1\">Shop</a></body></html>",
            text_content = "Shop now: https://shop.example.com/sale?x=1. Or mail us: support@example.com",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var templateId = (await created.JsonAsync()).GetProperty("id").GetGuid();
        var tag = $"x{Guid.NewGuid():N}"[..10];
        await ContactsAsync(admin, tag, 1);
        var id = await CampaignTestApp.CampaignAsync(admin, new { name = "Text links", type = "email", template_id = templateId, audience = Audience(tag) });
        await StartAsync(admin, id);
        await app.RunAsync(id);
        await app.DeliverAllAsync();

        var row = Assert.Single(await app.LedgerAsync(id));
        var envelope = app.Sender.Envelopes.Single(e => e.MessageId == row.MessageId);
        var htmlClick = Link(envelope, "click", "https://shop.example.com/sale?x=1").ToString();
        Assert.DoesNotContain("now: https://shop.example.com", envelope.Text, StringComparison.Ordinal);
        Assert.Contains($"now: {CampaignTestApp.TrackingBase}{htmlClick}. Or mail us", envelope.Text, StringComparison.Ordinal); // same signed link; the full stop stays outside

        using var web = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Address };
        using var redirect = await web.GetAsync(new Uri(htmlClick, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("https://shop.example.com/sale?x=1", redirect.Headers.Location!.ToString());

        // Unsubscribe links are never wrapped: the one-click link keeps working from the text too.
        var links = app.Services.GetRequiredService<Hub.Server.Modules.Campaigns.Tracking.TrackingLinks>();
        var unsubscribe = links.UnsubscribeUrl(Guid.NewGuid(), row.MessageId!.Value);
        var text = links.TrackText(Guid.NewGuid(), row.MessageId!.Value, $"Stop: {unsubscribe} or https://a.example/x", new Hub.Server.Modules.Campaigns.Tracking.TrackingSwitches());
        Assert.StartsWith($"Stop: {unsubscribe} or {CampaignTestApp.TrackingBase}/api/v1/tracking/click?", text, StringComparison.Ordinal);
        Assert.Contains("&url=" + Uri.EscapeDataString("https://a.example/x") + "&sig=", text, StringComparison.Ordinal);
    }
}
