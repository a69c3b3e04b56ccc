using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Campaigns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Server.Tests.Campaigns.CampaignTrackingTests;

namespace Hub.Server.Tests.Campaigns;

/// <summary>A/B tests: the test cohort first, the winner by HUMAN unique rates after the wait, the rest get it exactly once.</summary>
public sealed class CampaignAbTests(CampaignTestApp app) : IClassFixture<CampaignTestApp>
{
    private static object AbCampaign(Guid templateId, string tag, string metric, int? testPercent, string wait = "1h") => new
    {
        name = $"AB {tag}",
        type = "email",
        template_id = templateId,
        audience = Audience(tag),
        variants = new
        {
            items = new object[] { new { name = "A", subject = "Subject A", weight = 1 }, new { name = "B", subject = "Subject B", weight = 1 } },
            test_percent = testPercent,
            wait,
            metric,
        },
    };

    /// <summary>Pretends the wait is over: the test cohort was queued two hours ago.</summary>
    private async Task AgeTestCohortAsync(Guid campaignId)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var then = DateTimeOffset.UtcNow.AddHours(-2);
        await db.CampaignRecipients.IgnoreQueryFilters().Where(r => r.CampaignId == campaignId && r.QueuedAt != null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.QueuedAt, then));
    }

    private async Task<Campaign> CampaignOfAsync(Guid id)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.Campaigns.IgnoreQueryFilters().AsNoTracking().FirstAsync(c => c.Id == id);
    }

    [Fact]
    public async Task The_winner_is_picked_by_human_clicks_and_the_rest_get_it_exactly_once()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var templateId = await SaleTemplateAsync(app, admin);
        var tag = $"ab{Guid.NewGuid():N}"[..10];
        var contacts = await ContactsAsync(admin, tag, 60);
        var id = await CampaignTestApp.CampaignAsync(admin, AbCampaign(templateId, tag, "click_rate", testPercent: 50));
        await StartAsync(admin, id);

        var first = await app.RunAsync(id);
        Assert.False(first.Finished);
        await app.DeliverAllAsync();
        var ledger = await app.LedgerAsync(id);
        Assert.Equal(60, ledger.Count);
        var test = ledger.Where(r => r.Variant is not null).ToList();
        var held = ledger.Where(r => r.Variant is null).ToList();
        Assert.All(test, r => Assert.Equal(RecipientState.Sent, r.State));
        Assert.All(held, r => Assert.Equal((RecipientState.Deferred, VariantSplit.HeldForWinner, (DateTimeOffset?)null), (r.State, r.Reason, r.NotBefore)));
        var a = test.Where(r => r.Variant == "A").ToList();
        var b = test.Where(r => r.Variant == "B").ToList();
        Assert.True(a.Count >= 3 && b.Count >= 3 && held.Count >= 3, $"A {a.Count}, B {b.Count}, held {held.Count}");

        // A: every recipient's mail is opened by a proxy and its link hit by a scanner, twice; nobody clicks. B: three people click.
        var web = app.Anonymous();
        var envelope = (CampaignRecipient r) => app.Sender.Envelopes.Single(e => e.MessageId == r.MessageId);
        foreach (var row in a)
        {
            await HitAsync(web, Link(envelope(row), "open"), AppleMpp);
            await HitAsync(web, Link(envelope(row), "click", "https://shop.example.com/sale?x=1"), Proofpoint);
            await HitAsync(web, Link(envelope(row), "click", "https://shop.example.com/sale?x=1"), GmailProxy);
        }

        foreach (var row in b.Take(3))
        {
            await HitAsync(web, Link(envelope(row), "click", "https://shop.example.com/sale?x=1"), Chrome);
        }

        await app.FlushHitsAsync();

        // Before the wait is over nothing is decided and nobody else gets mail.
        await app.RunAsync(id);
        Assert.Equal(held.Count, (await app.LedgerAsync(id)).Count(r => r.Reason == VariantSplit.HeldForWinner));
        var waiting = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/stats");
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("ab_test").ValueKind);
        Assert.InRange(waiting.GetProperty("ab_decision_due_at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(50), DateTimeOffset.UtcNow.AddMinutes(61));

        await AgeTestCohortAsync(id);
        var decided = await app.RunAsync(id);
        Assert.True(decided.Finished);
        await app.DeliverAllAsync();

        var campaign = await CampaignOfAsync(id);
        Assert.Equal(("B", WinnerPicker.BestRate, false), (campaign.AbTest.Winner, campaign.AbTest.Reason, campaign.AbTest.Forced));
        Assert.Equal(campaign.CurrentRun, campaign.AbDecidedRun);
        var rates = campaign.AbTest.Variants.ToDictionary(v => v.Name);
        Assert.Equal((a.Count, 0, 0.0), (rates["A"].Sent, rates["A"].UniqueHumanClicks, rates["A"].ClickRate));
        Assert.Equal((b.Count, 3), (rates["B"].Sent, rates["B"].UniqueHumanClicks));

        // Everyone held got B, once: one row, one message each, all sent with B's subject.
        var after = await app.LedgerAsync(id);
        Assert.Equal(60, after.Count);
        Assert.Equal(contacts.Order(), after.Select(r => r.ContactId).Order());
        var released = after.Where(r => held.Select(h => h.Id).Contains(r.Id)).ToList();
        Assert.All(released, r => Assert.Equal(("B", RecipientState.Sent), (r.Variant, r.State)));
        Assert.Equal(60, after.Select(r => r.MessageId).Distinct().Count());
        foreach (var row in released)
        {
            Assert.Equal("Subject B", Assert.Single(app.Sender.Envelopes, e => e.MessageId == row.MessageId).Subject);
        }

        // Stats per variant: the proxy and scanner hits are there, but not as people.
        var stats = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/stats");
        Assert.Equal("B", stats.GetProperty("ab_test").GetProperty("winner").GetString());
        var variants = stats.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
        Assert.True(variants["B"].GetProperty("winner").GetBoolean());
        Assert.Equal(2 * a.Count, variants["A"].GetProperty("clicks").GetProperty("raw").GetInt32());
        Assert.Equal(0, variants["A"].GetProperty("clicks").GetProperty("unique_human").GetInt32());
        Assert.Equal(a.Count, variants["A"].GetProperty("opens").GetProperty("machine").GetInt32());
        Assert.Equal(0.0, variants["A"].GetProperty("click_rate").GetDouble());
        Assert.Equal(3, variants["B"].GetProperty("clicks").GetProperty("unique_human").GetInt32());
        Assert.Equal(Math.Round(3.0 / (b.Count + held.Count), 4), variants["B"].GetProperty("click_rate").GetDouble());

        // Decided is decided: neither the runner, a direct call nor the API decides this run again.
        await using (var scope = app.Scope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<AbWinnerDecider>().DecideAsync(campaign, forced: true, CancellationToken.None));
        }

        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync(new Uri($"/api/v1/campaigns/{id}/ab/decide", UriKind.Relative), null)).StatusCode);
    }

    [Fact]
    public async Task Nodes_racing_to_decide_record_one_winner_and_release_the_waiting_rows_once()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var templateId = await SaleTemplateAsync(app, admin);
        var tag = $"ar{Guid.NewGuid():N}"[..10];
        await ContactsAsync(admin, tag, 30);
        var id = await CampaignTestApp.CampaignAsync(admin, AbCampaign(templateId, tag, "open_rate", testPercent: 40, wait: "4h"));
        await StartAsync(admin, id);
        await app.RunAsync(id);
        await app.DeliverAllAsync();
        var campaign = await CampaignOfAsync(id);
        var held = (await app.LedgerAsync(id)).Count(r => r.Reason == VariantSplit.HeldForWinner);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var scope = app.Scope();
            scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(campaign.WorkspaceId);
            return await scope.ServiceProvider.GetRequiredService<AbWinnerDecider>().DecideAsync(campaign, forced: true, CancellationToken.None);
        }));
        var winner = Assert.Single(decisions, d => d is not null)!;
        Assert.Equal("A", winner.Winner); // nobody opened anything: a tie, which goes to the first variant
        Assert.Equal(WinnerPicker.TieFirstVariant, winner.Reason);
        Assert.True(winner.Forced);

        var ledger = await app.LedgerAsync(id);
        Assert.Equal(0, ledger.Count(r => r.Reason == VariantSplit.HeldForWinner));
        Assert.Equal(held, ledger.Count(r => r.State == RecipientState.Pending && r.Variant == "A"));
        Assert.True((await app.RunAsync(id)).Finished);
    }

    [Fact]
    public async Task Marketing_can_force_the_decision_and_without_a_test_cohort_variants_just_split()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var templateId = await SaleTemplateAsync(app, admin);
        var tag = $"af{Guid.NewGuid():N}"[..10];
        await ContactsAsync(admin, tag, 20);
        var id = await CampaignTestApp.CampaignAsync(admin, AbCampaign(templateId, tag, "open_rate", testPercent: 50, wait: "4h"));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync(new Uri($"/api/v1/campaigns/{id}/ab/decide", UriKind.Relative), null)).StatusCode); // a draft
        await StartAsync(admin, id);
        await app.RunAsync(id);

        var forced = await admin.PostAsync(new Uri($"/api/v1/campaigns/{id}/ab/decide", UriKind.Relative), null);
        var body = await forced.Content.ReadAsStringAsync();
        Assert.True(forced.IsSuccessStatusCode, body);
        var result = JsonDocument.Parse(body).RootElement;
        Assert.True(result.GetProperty("forced").GetBoolean());
        Assert.Equal("open_rate", result.GetProperty("metric").GetString());
        Assert.Equal(2, result.GetProperty("variants").GetArrayLength());
        Assert.True((await app.RunAsync(id)).Finished);
        Assert.DoesNotContain(await app.LedgerAsync(id), r => r.State != RecipientState.Queued);

        // No test_percent: everyone is split by weight at once; nothing waits for a winner.
        var tag2 = $"as{Guid.NewGuid():N}"[..10];
        await ContactsAsync(admin, tag2, 30);
        var split = await CampaignTestApp.CampaignAsync(admin, AbCampaign(templateId, tag2, "open_rate", testPercent: null));
        await StartAsync(admin, split);
        Assert.True((await app.RunAsync(split)).Finished);
        var ledger = await app.LedgerAsync(split);
        Assert.All(ledger, r => Assert.Equal(RecipientState.Queued, r.State));
        Assert.Equal(["A", "B"], ledger.Select(r => r.Variant!).Distinct().Order());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync(new Uri($"/api/v1/campaigns/{split}/ab/decide", UriKind.Relative), null)).StatusCode);
    }
}
