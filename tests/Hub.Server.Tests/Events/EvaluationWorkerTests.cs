using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.Events;

/// <summary>The background evaluator of a normally configured Hub: ingestion wakes it, nobody drives it.</summary>
[Collection(HubCollection.Name)]
public sealed class EvaluationWorkerTests(HubApp app)
{
    [Fact]
    public async Task A_posted_event_is_evaluated_in_the_background_within_seconds()
    {
        var admin = await app.SignedInAsync();
        var api = app.WithApiKey((await admin.PostJsonAsync("/api/v1/api-keys", new { name = "worker test" })).Str("key"));
        var accepted = await api.PostJsonAsync("/api/v1/events",
            new { user_id = $"u-{Guid.NewGuid():N}", event_type = "background_check", event_timestamp = DateTimeOffset.UtcNow });
        var id = accepted.Str("event_id");

        var deadline = DateTime.UtcNow.AddSeconds(15);
        System.Text.Json.JsonElement shown;
        do
        {
            await Task.Delay(100);
            shown = await api.GetJsonAsync($"/api/v1/events/{id}");
        }
        while (shown.Str("evaluation") == "pending" && DateTime.UtcNow < deadline);

        Assert.Equal("evaluated", shown.Str("evaluation"));
        Assert.Equal("no_rule_matched", Assert.Single(shown.GetProperty("decisions").EnumerateArray()).Str("outcome"));
    }
}
