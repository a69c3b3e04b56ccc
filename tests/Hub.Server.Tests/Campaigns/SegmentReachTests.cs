using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hub.Server.Tests.Campaigns;

/// <summary><c>POST /api/v1/segments/estimate</c> with saved segments: the reach the campaign editor shows for the segments it picked.</summary>
public sealed class SegmentReachTests(CampaignTestApp app) : IClassFixture<CampaignTestApp>
{
    [Fact]
    public async Task Picked_segments_are_estimated_as_their_union_and_unknown_ones_are_named()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var tag = $"r{Guid.NewGuid():N}"[..10];
        await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-fr@example.com", language = "fr", attributes = new { tag } });
        await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-de@example.com", language = "de", attributes = new { tag } });
        await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-en@example.com", language = "en", attributes = new { tag } });
        var byTag = new { all = new[] { new { field = "attributes.tag", @operator = "equals", value = tag } } };

        async Task<Guid> Segment(string name, params string[] languages)
        {
            var created = await admin.PostAsJsonAsync("/api/v1/segments", new { name = $"{name} {tag}", user_filters = new { language = languages }, conditions = byTag });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        async Task<int> Reach(object body)
        {
            var response = await admin.PostAsJsonAsync("/api/v1/segments/estimate", body);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("estimated_reach").GetInt32();
        }

        var french = await Segment("French", "fr");
        var europe = await Segment("Europe", "fr", "de");
        Assert.Equal(1, await Reach(new { segment_ids = new[] { french } }));
        Assert.Equal(2, await Reach(new { segment_ids = new[] { french, europe } })); // overlap counted once
        Assert.Equal(3, await Reach(new { segment_ids = new[] { french }, user_filters = new { language = new[] { "en", "de" } }, conditions = byTag }));

        var missing = Guid.NewGuid();
        var refused = await admin.PostAsJsonAsync("/api/v1/segments/estimate", new { segment_ids = new[] { french, missing } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("segment_ids[1]", out _));

        // Another workspace's segment is not found there.
        var stranger = await app.NewWorkspaceAsync("Reach stranger");
        Assert.Equal(HttpStatusCode.BadRequest, (await stranger.PostAsJsonAsync("/api/v1/segments/estimate", new { segment_ids = new[] { french } })).StatusCode);
    }
}
