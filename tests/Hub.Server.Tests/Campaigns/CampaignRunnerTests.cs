using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Notifications;
using Hub.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Campaigns;

/// <summary>
/// The runner against the store the suite runs on: the ledger's uniqueness, skip reasons, quiet hours, pause,
/// resume and stop, each recipient queued and sent exactly once.
/// </summary>
public sealed class CampaignRunnerTests(CampaignTestApp app) : IClassFixture<CampaignTestApp>
{
    internal static object EmailCampaign(Guid templateId, string tag, int batchSize = 100, int rateLimit = 0, bool quietHours = true) => new
    {
        name = $"Spring {tag}",
        type = "email",
        template_id = templateId,
        audience = new { conditions = new { all = new[] { new { field = "attributes.tag", @operator = "equals", value = tag } } } },
        settings = new { batch_size = batchSize, rate_limit = rateLimit, max_retries = 2, respect_quiet_hours = quietHours },
    };

    private async Task<List<Guid>> ContactsAsync(HttpClient admin, string tag, int count)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-{i}@example.com", first_name = $"P{i}", attributes = new { tag } }));
        }

        return ids;
    }

    private Task WithDbAsync(Guid contactId, Func<HubDbContext, Task> work) => app.WithContactWorkspaceAsync(contactId, work);

    private static async Task StartAsync(HttpClient admin, Guid campaignId)
    {
        var response = await admin.PostAsync(new Uri($"/api/v1/campaigns/{campaignId}/start", UriKind.Relative), null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ledger_holds_one_row_per_contact_per_run_even_when_the_expansion_runs_again()
    {
        var (admin, templateId) = await app.WorkspaceAsync();
        var tag = $"u{Guid.NewGuid():N}"[..10];
        var contacts = await ContactsAsync(admin, tag, 5);
        var id = await CampaignTestApp.CampaignAsync(admin, EmailCampaign(templateId, tag));
        await StartAsync(admin, id);
        await app.RunAsync(id);

        // A node that crashed mid-expansion leaves ExpandedAt unset: the next turn expands again.
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await db.Campaigns.IgnoreQueryFilters().Where(c => c.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ExpandedAt, (DateTimeOffset?)null).SetProperty(c => c.Status, CampaignStatus.Running));
        }

        await app.RunAsync(id);
        var ledger = await app.LedgerAsync(id);
        Assert.Equal(5, ledger.Count);
        Assert.Equal(contacts.Order(), ledger.Select(r => r.ContactId).Order());
        Assert.All(ledger, r => Assert.Equal(RecipientState.Queued, r.State));

        // And the database itself refuses a second row for the same contact and run.
        await Assert.ThrowsAsync<DbUpdateException>(() => WithDbAsync(contacts[0], db =>
        {
            db.CampaignRecipients.Add(new CampaignRecipient { CampaignId = id, Run = ledger[0].Run, ContactId = contacts[0], CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            return Task.CompletedTask;
        }));
    }

    [Fact]
    public async Task Recipients_the_checks_refuse_are_skipped_with_their_reason_and_only_the_rest_get_mail()
    {
        var (admin, templateId) = await app.WorkspaceAsync();
        var tag = $"s{Guid.NewGuid():N}"[..10];
        var ok = await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-ok@example.com", attributes = new { tag } });
        var unsubscribed = await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-unsub@example.com", attributes = new { tag } });
        var emailOff = await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-off@example.com", attributes = new { tag } });
        var suppressed = await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-bounced@example.com", attributes = new { tag } });
        var noEmail = await CampaignTestApp.ContactAsync(admin, new { phone = "+14155550123", attributes = new { tag } });
        var optedOut = await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-optout@example.com", attributes = new { tag } });
        await WithDbAsync(unsubscribed, db =>
        {
            db.NotificationPreferences.Add(new NotificationPreferences { ContactId = unsubscribed, Channels = { ["email"] = new ChannelConsent(Subscribed: false) } });
            db.NotificationPreferences.Add(new NotificationPreferences { ContactId = emailOff, EmailEnabled = false });
            db.NotificationPreferences.Add(new NotificationPreferences { ContactId = optedOut, Categories = { ["marketing"] = false } });
            db.Suppressions.Add(new Suppression { Channel = ChannelType.Email, Address = $"{tag}-bounced@example.com", Reason = "Hard bounce: 550 user unknown" });
            return Task.CompletedTask;
        });

        var id = await CampaignTestApp.CampaignAsync(admin, EmailCampaign(templateId, tag));
        await StartAsync(admin, id);
        var turn = await app.RunAsync(id);
        await app.DeliverAllAsync();

        var ledger = (await app.LedgerAsync(id)).ToDictionary(r => r.ContactId);
        Assert.Equal(RecipientState.Sent, ledger[ok].State);
        Assert.Equal((RecipientState.Skipped, SkipReasons.Unsubscribed), (ledger[unsubscribed].State, ledger[unsubscribed].Reason));
        Assert.Equal((RecipientState.Skipped, SkipReasons.Preferences), (ledger[emailOff].State, ledger[emailOff].Reason));
        Assert.Equal((RecipientState.Skipped, SkipReasons.Bounced), (ledger[suppressed].State, ledger[suppressed].Reason));
        Assert.Equal((RecipientState.Skipped, SkipReasons.NoAddress), (ledger[noEmail].State, ledger[noEmail].Reason));
        Assert.Equal((RecipientState.Skipped, SkipReasons.CategoryOptOut), (ledger[optedOut].State, ledger[optedOut].Reason));
        Assert.True(turn.Finished);

        var stats = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/stats");
        Assert.Equal("completed", stats.GetProperty("status").GetString());
        Assert.Equal(1, stats.GetProperty("progress").GetProperty("sent").GetInt32());
        Assert.Equal(6, stats.GetProperty("progress").GetProperty("total_targets").GetInt32());
        Assert.Equal(1.0, stats.GetProperty("progress").GetProperty("success_rate").GetDouble());
        Assert.Equal(1, stats.GetProperty("skip_reasons").GetProperty("no_address").GetInt32());
        var skipped = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/recipients?state=skipped");
        Assert.Equal(5, skipped.GetProperty("items").GetArrayLength());

        // The message knows its campaign and ledger row, and the rendered template reached the provider.
        await using var scope = app.Scope();
        var db2 = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var message = await db2.Messages.IgnoreQueryFilters().FirstAsync(m => m.Id == ledger[ok].MessageId);
        Assert.Equal(id, message.Metadata["campaign_id"].GetGuid());
        Assert.Equal(ledger[ok].Id, message.Metadata["recipient_id"].GetGuid());
        Assert.Contains(ledger[ok].MessageId!.Value, app.Sender.Sent);
    }

    [Fact]
    public async Task Pause_stops_sending_and_resume_sends_the_rest_each_recipient_exactly_once()
    {
        var (admin, templateId) = await app.WorkspaceAsync();
        var tag = $"p{Guid.NewGuid():N}"[..10];
        await ContactsAsync(admin, tag, 40);
        var id = await CampaignTestApp.CampaignAsync(admin, EmailCampaign(templateId, tag, batchSize: 5, rateLimit: 10));
        await StartAsync(admin, id);

        var running = app.RunAsync(id);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await app.LedgerAsync(id)).Count(r => r.State == RecipientState.Queued) < 10 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        (await admin.PostAsync(new Uri($"/api/v1/campaigns/{id}/pause", UriKind.Relative), null)).EnsureSuccessStatusCode();
        await running;
        var paused = (await app.LedgerAsync(id)).Count(r => r.State == RecipientState.Queued);
        Assert.InRange(paused, 10, 39);
        await app.RunAsync(id); // a sweep while paused does nothing
        Assert.Equal(paused, (await app.LedgerAsync(id)).Count(r => r.State == RecipientState.Queued));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync(new Uri($"/api/v1/campaigns/{id}/pause", UriKind.Relative), null)).StatusCode);

        (await admin.PostAsync(new Uri($"/api/v1/campaigns/{id}/resume", UriKind.Relative), null)).EnsureSuccessStatusCode();
        Assert.True((await app.RunAsync(id)).Finished);
        await app.DeliverAllAsync();

        var ledger = await app.LedgerAsync(id);
        Assert.Equal(40, ledger.Count);
        Assert.All(ledger, r => Assert.Equal(RecipientState.Sent, r.State));
        var messages = ledger.Select(r => r.MessageId!.Value).ToList();
        Assert.Equal(40, messages.Distinct().Count());
        Assert.Equal(40, app.Sender.Sent.Count(messages.Contains));
        var campaign = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}");
        Assert.Equal("completed", campaign.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Stop_cancels_the_campaign_and_skips_everyone_still_waiting()
    {
        var (admin, templateId) = await app.WorkspaceAsync();
        var tag = $"x{Guid.NewGuid():N}"[..10];
        await ContactsAsync(admin, tag, 12);
        var id = await CampaignTestApp.CampaignAsync(admin, EmailCampaign(templateId, tag, batchSize: 4));
        await StartAsync(admin, id);
        await app.RunAsync(id, TimeSpan.Zero); // one batch, then the slice is over

        var stopped = await admin.PostAsync(new Uri($"/api/v1/campaigns/{id}/stop", UriKind.Relative), null);
        stopped.EnsureSuccessStatusCode();
        Assert.Equal("cancelled", (await stopped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await app.RunAsync(id);

        var ledger = await app.LedgerAsync(id);
        Assert.Equal(4, ledger.Count(r => r.State == RecipientState.Queued));
        Assert.Equal(8, ledger.Count(r => r.State == RecipientState.Skipped && r.Reason == SkipReasons.Cancelled));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync(new Uri($"/api/v1/campaigns/{id}/resume", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/v1/campaigns/{id}", UriKind.Relative))).StatusCode);
    }
}
