using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hub.Server.Tests.Campaigns;

/// <summary>The campaigns and segments REST API: validation, 409/422 rules, filters, reach and tenant isolation.</summary>
public sealed class CampaignsApiTests(CampaignTestApp app) : IClassFixture<CampaignTestApp>
{
    [Fact]
    public async Task Bad_campaign_input_is_refused_naming_each_field()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var response = await admin.PostAsJsonAsync("/api/v1/campaigns", new
        {
            name = "Bad",
            template_id = Guid.NewGuid(),
            audience = new { user_segments = new[] { "vip_users" }, segment_ids = new[] { Guid.NewGuid() } },
            schedule = new { type = "recurring", timezone = "Mars/Olympus" },
            settings = new { batch_size = 0, rate_limit = -1, frequency_cap = 2 },
            variants = new { items = new[] { new { name = "A", weight = 1 }, new { name = "A", weight = -1 } }, test_percent = 150 },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[]
        {
            "template_id", "audience.user_segments[0]", "audience.segment_ids[0]", "schedule.timezone", "schedule.recurring", "settings.batch_size",
            "settings.rate_limit", "settings.frequency_cap_window", "variants.items[1].name", "variants.items[1].weight", "variants.test_percent",
        })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
    }

    [Fact]
    public async Task Starting_a_campaign_with_an_empty_audience_is_refused_422()
    {
        var (admin, templateId) = await app.WorkspaceAsync();
        var none = await CampaignTestApp.CampaignAsync(admin, new { name = "Nobody", type = "email", template_id = templateId });
        var noOne = await CampaignTestApp.CampaignAsync(admin, new
        {
            name = "No match", type = "email", template_id = templateId,
            audience = new { user_filters = new { language = new[] { "xx" } } },
        });
        foreach (var id in new[] { none, noOne })
        {
            var response = await admin.PostAsync(new Uri($"/api/v1/campaigns/{id}/start", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(body.GetProperty("errors").TryGetProperty("audience", out _), body.ToString());
            Assert.Equal("draft", (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}")).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task A_running_campaigns_audience_cannot_change_but_its_name_can_and_it_cannot_be_deleted()
    {
        var (admin, templateId) = await app.WorkspaceAsync();
        var tag = $"r{Guid.NewGuid():N}"[..10];
        await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}@example.com", language = "fr-CA", attributes = new { tag } });
        object Body(string name, string language) => new
        {
            name, type = "email", template_id = templateId,
            audience = new { user_filters = new { language = new[] { language } } },
        };
        var id = await CampaignTestApp.CampaignAsync(admin, Body("Bonjour", "fr"));
        var started = await admin.PostAsync(new Uri($"/api/v1/campaigns/{id}/start", UriKind.Relative), null);
        started.EnsureSuccessStatusCode();
        Assert.True((await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("estimated_reach").GetInt32() >= 1);

        Assert.Equal(HttpStatusCode.Conflict, (await admin.PutAsJsonAsync($"/api/v1/campaigns/{id}", Body("Bonjour", "de"))).StatusCode);
        var renamed = await admin.PutAsJsonAsync($"/api/v1/campaigns/{id}", Body("Bonjour à tous", "fr"));
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.DeleteAsync(new Uri($"/api/v1/campaigns/{id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync(new Uri($"/api/v1/campaigns/{id}/start", UriKind.Relative), null)).StatusCode);

        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/campaigns?status=running&type=email&search=tous");
        Assert.Equal(id, listed.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/campaigns?status=draft&search=tous")).GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync(new Uri("/api/v1/campaigns?status=sleeping", UriKind.Relative))).StatusCode);

        var stranger = await app.NewWorkspaceAsync("Other shop");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(new Uri($"/api/v1/campaigns/{id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync(new Uri($"/api/v1/campaigns/{id}/pause", UriKind.Relative), null)).StatusCode);
    }

    [Fact]
    public async Task Segments_estimate_their_reach_preview_their_contacts_and_named_segments_follow_the_plan()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var tag = $"g{Guid.NewGuid():N}"[..10];
        var premium = await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-p@example.com", attributes = new { tag, plan = "pro" } });
        var free = await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-f@example.com", attributes = new { tag, plan = "free" } });
        await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-n@example.com", attributes = new { tag } });
        await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-off@example.com", is_active = false, attributes = new { tag, plan = "pro" } });
        var byTag = new { all = new[] { new { field = "attributes.tag", @operator = "equals", value = tag } } };

        async Task<int> Reach(object body)
        {
            var response = await admin.PostAsJsonAsync("/api/v1/segments/estimate", body);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("estimated_reach").GetInt32();
        }

        Assert.Equal(3, await Reach(new { conditions = byTag }));
        Assert.Equal(1, await Reach(new { user_segments = new[] { "premium_users" }, conditions = byTag }));
        Assert.Equal(2, await Reach(new { user_segments = new[] { "free_users" }, conditions = byTag }));
        Assert.Equal(3, await Reach(new { user_segments = new[] { "new_users", "inactive_users" }, conditions = byTag }));
        Assert.Equal(0, await Reach(new { user_segments = new[] { "active_users" }, conditions = byTag }));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/v1/segments/estimate",
            new { conditions = new { all = new[] { new { field = "shoe_size", @operator = "gt", value = 40 } } } })).StatusCode);

        var created = await admin.PostAsJsonAsync("/api/v1/segments", new { name = "Paying", user_segments = new[] { "premium_users" }, conditions = byTag });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var segmentId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var preview = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/segments/{segmentId}/contacts");
        Assert.Equal([premium], preview.EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));

        var updated = await admin.PutAsJsonAsync($"/api/v1/segments/{segmentId}", new { name = "Free", user_segments = new[] { "free_users" }, conditions = byTag });
        updated.EnsureSuccessStatusCode();
        var freePreview = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/segments/{segmentId}/contacts?limit=1");
        Assert.Single(freePreview.EnumerateArray());
        Assert.Contains(freePreview[0].GetProperty("id").GetGuid(), new[] { free });

        var stranger = await app.NewWorkspaceAsync("Segment stranger");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(new Uri($"/api/v1/segments/{segmentId}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/v1/segments/{segmentId}", UriKind.Relative))).StatusCode);
    }
}
