using System.Net;
using System.Net.Http.Json;
using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Core.Intelligence;
using Hub.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Inbox;

/// <summary>Classification for API users, agents' corrections as training rows, and a classifier fault losing nothing.</summary>
[Collection(HubCollection.Name)]
public sealed class ClassificationTests(HubApp app)
{
    [Fact]
    public async Task Classify_answers_sentiment_and_intent_and_refuses_bad_input()
    {
        var admin = await app.SignedInAsync();
        var result = await admin.PostJsonAsync("/api/v1/classify", new { text = "I am furious, this is the worst service ever" });
        Assert.Equal("negative", result.GetProperty("sentiment").Str("label"));
        Assert.True(result.GetProperty("sentiment").GetProperty("score").GetDouble() < 0);
        Assert.True(result.GetProperty("intent").TryGetProperty("confidence", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/v1/classify", new { text = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().PostAsJsonAsync("/api/v1/classify", new { text = "hi" })).StatusCode);
    }

    [Fact]
    public async Task An_agents_correction_updates_the_message_and_becomes_a_training_row()
    {
        var admin = await app.NewWorkspaceAsync($"Corrections {Guid.NewGuid():N}");
        var workspace = Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"));
        var text = $"my thing {Guid.NewGuid():N} is broken";
        InboundResult inbound;
        await using (var scope = app.Scope())
        {
            inbound = await scope.ServiceProvider.GetRequiredService<IInboundProcessor>().ReceiveAsync(new InboundMessage
            {
                WorkspaceId = workspace, Channel = ChannelType.Sms, From = "+14155550111", To = "+15550001111", Text = text,
                ExternalId = $"SM{Guid.NewGuid():N}", ReceivedAt = DateTimeOffset.UtcNow,
            }, default);
        }

        var intents = app.Services.GetRequiredService<IIntentClassifier>().Intents;
        var corrected = await (await admin.PutAsJsonAsync($"/api/v1/messages/{inbound.MessageId}/classification",
            new { sentiment_label = "negative", intent = intents[0] })).JsonAsync();
        Assert.Equal(intents[0], corrected.Str("intent"));
        Assert.Equal("negative", corrected.Str("sentiment_label"));

        var bad = await admin.PutAsJsonAsync($"/api/v1/messages/{inbound.MessageId}/classification", new { intent = "not_an_intent" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var csv = await (await admin.GetAsync("/api/v1/classification/corrections?kind=intent")).Content.ReadAsStringAsync();
        Assert.StartsWith("text,label\n", csv, StringComparison.Ordinal);
        Assert.Contains($"\"{text}\",{intents[0]}", csv, StringComparison.Ordinal);

        var outsider = await app.NewWorkspaceAsync($"Outsider {Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PutAsJsonAsync($"/api/v1/messages/{inbound.MessageId}/classification", new { sentiment_label = "positive" })).StatusCode);
        Assert.DoesNotContain(text, await (await outsider.GetAsync("/api/v1/classification/corrections?kind=intent")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>A classifier that throws: the message must still be stored.</summary>
public sealed class ClassifierFaultTests : IAsyncLifetime
{
    private readonly HubApp _app = new() { ExtraServices = s => s.AddSingleton<ISentimentClassifier, Throwing>() };

    public Task InitializeAsync() => _app.InitializeAsync();

    public async Task DisposeAsync() => await ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_classifier_fault_never_loses_the_message()
    {
        var admin = await _app.SignedInAsync();
        var workspace = Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"));
        await using var scope = _app.Scope();
        var result = await scope.ServiceProvider.GetRequiredService<IInboundProcessor>().ReceiveAsync(new InboundMessage
        {
            WorkspaceId = workspace, Channel = ChannelType.Email, From = "kept@example.com", Subject = "Still here", Text = "please keep me",
            ExternalId = $"<{Guid.NewGuid():N}@x>", ReceivedAt = DateTimeOffset.UtcNow,
        }, default);
        var message = await admin.GetJsonAsync($"/api/v1/messages/{result.MessageId}");
        Assert.Equal("please keep me", message.Str("text"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, message.GetProperty("sentiment_label").ValueKind);
    }

    private sealed class Throwing : ISentimentClassifier
    {
        public SentimentResult Classify(string text) => throw new InvalidOperationException("model file corrupt");
    }
}
