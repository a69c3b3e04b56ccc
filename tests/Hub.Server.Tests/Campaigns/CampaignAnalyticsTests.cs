using Hub.Core.Campaigns;
using Hub.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using Hub.Server.Tests.Analytics;

namespace Hub.Server.Tests.Campaigns;

/// <summary>The campaign status changes made with bulk updates still reach analytics reports.</summary>
public sealed class CampaignAnalyticsTests(CampaignTestApp app) : IClassFixture<CampaignTestApp>
{
    private static async Task StartAsync(HttpClient admin, Guid campaignId)
    {
        var response = await admin.PostAsync(new Uri($"/api/v1/campaigns/{campaignId}/start", UriKind.Relative), null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static object Campaign(string type, Guid templateId, string tag) => new
    {
        name = $"Report {tag}",
        type,
        template_id = templateId,
        audience = new { conditions = new { all = new[] { new { field = "attributes.tag", @operator = "equals", value = tag } } } },
        settings = new { batch_size = 100, respect_quiet_hours = false },
    };

    [Fact]
    public async Task A_run_that_starts_and_completes_is_counted_as_executed_and_completed_in_the_report()
    {
        var (admin, templateId) = await app.WorkspaceAsync();
        var tag = $"t{Guid.NewGuid():N}";
        await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}@example.com", first_name = "Ada", attributes = new { tag } });
        var campaignId = await CampaignTestApp.CampaignAsync(admin, Campaign("email", templateId, tag));

        await StartAsync(admin, campaignId);
        var before = await AnalyticsReportProbe.EventCountsAsync(app, admin, DateTimeOffset.UtcNow);
        Assert.Equal(1, before.GetValueOrDefault("campaign_executed"));
        Assert.Equal(0, before.GetValueOrDefault("campaign_completed"));

        for (var i = 0; i < 5 && !(await app.RunAsync(campaignId)).Finished; i++)
        {
        }

        var after = await AnalyticsReportProbe.EventCountsAsync(app, admin, DateTimeOffset.UtcNow);
        Assert.Equal(1, after.GetValueOrDefault("campaign_executed"));
        Assert.Equal(1, after.GetValueOrDefault("campaign_completed"));
        Assert.Equal(0, after.GetValueOrDefault("campaign_failed"));
    }

    [Fact]
    public async Task A_run_that_fails_is_counted_as_failed_in_the_report()
    {
        var (admin, templateId) = await app.WorkspaceAsync();
        var tag = $"t{Guid.NewGuid():N}";
        await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}@example.com", first_name = "Ada", attributes = new { tag } });
        var campaignId = await CampaignTestApp.CampaignAsync(admin, Campaign("email", templateId, tag));
        await StartAsync(admin, campaignId);
        await using (var scope = app.Scope())
        {
            // Nothing the runner can send on (a multi-channel campaign whose channel list is empty, written behind the API's back): the run fails.
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await db.Campaigns.IgnoreQueryFilters().Where(c => c.Id == campaignId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Type, CampaignType.MultiChannel));
        }

        await app.RunAsync(campaignId);

        var counts = await AnalyticsReportProbe.EventCountsAsync(app, admin, DateTimeOffset.UtcNow);
        Assert.Equal(1, counts.GetValueOrDefault("campaign_executed"));
        Assert.Equal(1, counts.GetValueOrDefault("campaign_failed"));
        Assert.Equal(0, counts.GetValueOrDefault("campaign_completed"));
        var campaign = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/campaigns/{campaignId}");
        Assert.Equal("failed", campaign.GetProperty("status").GetString());
    }
}
