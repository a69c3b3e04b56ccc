using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.Settings;

/// <summary>The settings screen's server side: a channel's test send, the classifiers' figures, conversations of one contact.</summary>
[Collection(HubCollection.Name)]
public sealed class ChannelTestAndMetricsTests(HubApp app)
{
    [Fact]
    public async Task A_test_send_goes_through_the_outbox_on_that_channel_and_is_sent_by_its_provider()
    {
        var admin = await app.NewWorkspaceAsync($"Channel test {Guid.NewGuid():N}");
        await admin.PostJsonAsync("/api/v1/channels", new { name = "First SMS", type = "sms", provider = "no-such-provider", address = "+15550000001" });
        var sink = await admin.PostJsonAsync("/api/v1/channels", new { name = "Sink SMS", type = "sms", provider = "dev-sink", address = "+15550000002" });

        var response = await admin.PostAsJsonAsync($"/api/v1/channels/{sink.Str("id")}/test", new { to = "+15557654321" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = await response.JsonAsync();
        Assert.Equal("queued", queued.Str("status"));
        Assert.Equal(sink.Str("id"), queued.Str("channel_id"));

        var message = await admin.WaitForMessageAsync(queued.Str("message_id"), m => m.Str("status") is not ("queued" or "sending"));
        Assert.Equal("sent", message.Str("status"));
        Assert.StartsWith("dev-sink-", message.Str("external_id"), StringComparison.Ordinal);
        Assert.Contains("test message from Hub", message.Str("text"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_address_unknown_channel_or_non_admin_is_refused()
    {
        var admin = await app.NewWorkspaceAsync($"Channel test {Guid.NewGuid():N}");
        var email = await admin.PostJsonAsync("/api/v1/channels", new { name = "Mail", type = "email", provider = "dev-sink", address = "support@acme.test" });

        var bad = await admin.PostAsJsonAsync($"/api/v1/channels/{email.Str("id")}/test", new { to = "+15557654321" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.JsonAsync()).GetProperty("errors").TryGetProperty("to", out _));

        var missing = await admin.PostAsJsonAsync($"/api/v1/channels/{Guid.NewGuid()}/test", new { to = "a@example.com" });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var other = await app.NewWorkspaceAsync($"Other {Guid.NewGuid():N}");
        var foreign = await other.PostAsJsonAsync($"/api/v1/channels/{email.Str("id")}/test", new { to = "a@example.com" });
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);

        var agent = await app.NewMemberAsync(admin, "agent");
        var forbidden = await agent.PostAsJsonAsync($"/api/v1/channels/{email.Str("id")}/test", new { to = "a@example.com" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Intelligence_metrics_are_the_figures_of_the_reports_beside_the_loaded_models()
    {
        var admin = await app.SignedInAsync();
        var body = await admin.GetJsonAsync("/api/v1/classification/metrics");
        var models = body.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(["sentiment", "intent"], models.Select(m => m.Str("kind")));

        var sentiment = models[0];
        Assert.True(sentiment.GetProperty("report_found").GetBoolean());
        var onDisk = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Models", "sentiment-metrics.json"))).RootElement;
        Assert.Equal(onDisk.GetProperty("Metrics").GetProperty("Accuracy").GetDouble(), sentiment.GetProperty("accuracy").GetDouble(), 9);
        Assert.Equal(onDisk.GetProperty("TestCount").GetInt32(), sentiment.GetProperty("test_count").GetInt32());
        Assert.NotEmpty(sentiment.GetProperty("per_class").EnumerateArray());

        var agent = await app.NewMemberAsync(admin, "agent");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/classification/metrics")).StatusCode);
    }

    [Fact]
    public async Task Conversations_can_be_listed_for_one_contact()
    {
        var admin = await app.NewWorkspaceAsync($"Contact convs {Guid.NewGuid():N}");
        var sink = await admin.PostJsonAsync("/api/v1/channels", new { name = "Sink SMS", type = "sms", provider = "dev-sink", address = "+15550000002" });
        var first = await (await admin.PostAsJsonAsync($"/api/v1/channels/{sink.Str("id")}/test", new { to = "+15551112222" })).JsonAsync();
        await admin.PostAsJsonAsync($"/api/v1/channels/{sink.Str("id")}/test", new { to = "+15553334444" });
        var conversation = await admin.GetJsonAsync($"/api/v1/conversations/{first.Str("conversation_id")}");

        var page = await admin.GetJsonAsync($"/api/v1/conversations?contact_id={conversation.Str("contact_id")}");
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Single(items);
        Assert.Equal(first.Str("conversation_id"), items[0].Str("id"));
    }
}
