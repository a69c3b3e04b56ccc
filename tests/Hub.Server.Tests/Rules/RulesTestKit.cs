using System.Collections.Concurrent;
using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Rules;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Delivery;
using Hub.Server.Modules.Rules;
using Hub.Server.Modules.Webhooks;
using Hub.Server.Tests.Delivery;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Server.Tests.Rules;

/// <summary>
/// A Hub whose evaluation worker and delivery workers are off (tests drive them), with a fixed test clock and a
/// scripted provider that keeps every envelope it was handed. Rules and templates go straight into the database.
/// </summary>
public sealed class RulesHub : IAsyncLifetime
{
    public RulesHub()
    {
        App = new HubApp
        {
            ExtraServices = s =>
            {
                s.AddSingleton<TimeProvider>(Clock);
                s.AddSingleton<IChannelSender>(Sender);
                s.AddHttpClient(SignedWebhookSender.ClientName).ConfigurePrimaryHttpMessageHandler(() => new RecordingHandler(Webhooks));
            },
        };
        App.Settings["Events:RunWorker"] = "false";
        App.Settings["Delivery:Enabled"] = "false";
        App.Settings["Events:RetryDelay"] = "00:00:00";
        Sender.Outcome = e =>
        {
            Envelopes.Enqueue(e);
            return SendResult.Sent($"scripted-{e.MessageId:N}");
        };
    }

    public HubApp App { get; }

    /// <summary>Hub's clock: fixed unless a test moves it forward; on a whole second, which every store keeps exactly.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public ScriptedSender Sender { get; } = new();

    public ConcurrentQueue<OutboundEnvelope> Envelopes { get; } = new();

    /// <summary>Every webhook a rule posted: URL, signature header and body.</summary>
    public ConcurrentQueue<(Uri Url, string? Signature, byte[] Body)> Webhooks { get; } = new();

    public IServiceScopeFactory Scopes => App.Services.GetRequiredService<IServiceScopeFactory>();

    public Task InitializeAsync() => App.InitializeAsync();

    public async Task DisposeAsync() => await ((IAsyncLifetime)App).DisposeAsync();

    /// <summary>A new workspace with an email channel on the scripted provider: its admin, an API key client and its id.</summary>
    public async Task<Tenant> NewTenantAsync()
    {
        var admin = await App.NewWorkspaceAsync($"Rules {Guid.NewGuid():N}");
        var id = Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"));
        var key = (await admin.PostJsonAsync("/api/v1/api-keys", new { name = "backend" })).Str("key");
        var tenant = new Tenant(this, id, admin, App.WithApiKey(key));
        await tenant.InAsync(db =>
        {
            var now = Clock.GetUtcNow();
            db.Channels.Add(new Channel { Name = "Mail", Type = ChannelType.Email, Provider = ScriptedSender.ProviderName, Address = "hello@acme.test", CreatedAt = now, UpdatedAt = now });
            return db.SaveChangesAsync();
        });
        return tenant;
    }

    /// <summary>Evaluates every pending event, as the worker would.</summary>
    public async Task EvaluateAsync(int concurrency = 4)
    {
        var options = new EventsOptions { EvaluationConcurrency = concurrency, RetryDelay = TimeSpan.Zero };
        while (await RuleEvaluationWorker.RunOnceAsync(Scopes, options, CancellationToken.None) > 0)
        {
        }
    }

    /// <summary>Delivers every due outbox row through the scripted provider.</summary>
    public async Task DeliverAsync()
    {
        var options = new DeliveryOptions { BatchSize = 50 };
        while (await DeliveryWorker.RunOnceAsync(Scopes, "test", options, CancellationToken.None) > 0)
        {
        }
    }
}

/// <summary>One workspace of a <see cref="RulesHub"/>.</summary>
public sealed record Tenant(RulesHub Hub, Guid Id, HttpClient Admin, HttpClient Api)
{
    public async Task InAsync(Func<HubDbContext, Task> work)
    {
        await using var scope = Hub.App.Scope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(Id);
        await work(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }

    public async Task<T> InAsync<T>(Func<HubDbContext, Task<T>> work)
    {
        await using var scope = Hub.App.Scope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(Id);
        return await work(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }

    public Task<Rule> RuleAsync(string eventType, RuleAction action, RuleSuppression? suppression = null, RuleConditions? conditions = null,
        int order = 0, bool continues = false, string? name = null) =>
        InAsync(async db =>
        {
            var now = Hub.Clock.GetUtcNow();
            var rule = new Rule
            {
                Name = name ?? $"rule-{Guid.NewGuid():N}", EventType = eventType, Action = action, Suppression = suppression ?? new(),
                Conditions = conditions ?? new(), Order = order, Continue = continues, CreatedAt = now, UpdatedAt = now,
            };
            db.Rules.Add(rule);
            await db.SaveChangesAsync();
            return rule;
        });

    public Task TemplateAsync(string name, string subject, string text, string? category = null) =>
        InAsync(db =>
        {
            var now = Hub.Clock.GetUtcNow();
            db.Templates.Add(new Template { Name = name, Subject = subject, HtmlContent = $"<p>{text}</p>", TextContent = text, Category = category, CreatedAt = now, UpdatedAt = now });
            return db.SaveChangesAsync();
        });

    /// <summary>Sends an event through the API (as the customer's backend does) and returns Hub's id for it.</summary>
    public async Task<Guid> EventAsync(string userId, string eventType, DateTimeOffset at, object? properties = null, object? traits = null, string? clientId = null)
    {
        var accepted = await Api.PostJsonAsync("/api/v1/events", new
        {
            event_id = clientId, user_id = userId, event_type = eventType, event_timestamp = at, properties = properties ?? new { }, user_traits = traits ?? new { },
        });
        return Guid.Parse(accepted.Str("event_id"));
    }

    public Task<List<Decision>> DecisionsAsync(string userId) =>
        InAsync(db => db.Decisions.AsNoTracking().Where(d => d.UserId == userId).ToListAsync());

    public static RuleAction Email(string template, string category = "updates") =>
        new() { Type = RuleActionType.Send, Template = template, Channel = "email", Category = category };

    public static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);
}

/// <summary>Stands in for the customers' webhook receivers: records the request and answers 204.</summary>
internal sealed class RecordingHandler(ConcurrentQueue<(Uri Url, string? Signature, byte[] Body)> requests) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        requests.Enqueue((request.RequestUri!, request.Headers.TryGetValues(WebhookSigner.SignatureHeader, out var values) ? values.Single() : null, body));
        return new HttpResponseMessage(request.RequestUri!.AbsolutePath.Contains("broken", StringComparison.Ordinal)
            ? System.Net.HttpStatusCode.InternalServerError : System.Net.HttpStatusCode.NoContent);
    }
}
