using System.Net;
using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Delivery;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Server.Tests.Delivery;

/// <summary>
/// The delivery pipeline against the database the suite runs on (PostgreSQL in CI's second pass): workers
/// racing, a worker dying mid-send, retries into the dead-letter state, and manual retry. Leases, backoffs and rate
/// windows run on a test clock that the tests move, so none of them waits for real time to pass.
/// </summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ScriptedSender _sender;
    private readonly RecordingRateLimiter _limiter = new();
    private readonly HubApp _app;

    public OutboxTests()
    {
        _sender = new ScriptedSender { Clock = _clock };
        _app = new HubApp
        {
            ExtraServices = s =>
            {
                s.AddSingleton<TimeProvider>(_clock);
                s.AddSingleton<IChannelSender>(_sender);
                _limiter.Wrap(s);
            },
        };
        _app.Settings["Delivery:Enabled"] = "false"; // the tests drive the workers themselves
        _app.Settings["Delivery:Lease"] = "00:00:01";
        _app.Settings["Delivery:BaseBackoff"] = "00:00:00.010";
        _app.Settings["Delivery:MaxBackoff"] = "00:00:00.050";
        _app.Settings["Delivery:MaxAttempts"] = "3";
    }

    public Task InitializeAsync() => _app.InitializeAsync();

    public async Task DisposeAsync() => await ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Two_workers_racing_for_1000_queued_messages_send_each_exactly_once()
    {
        var ids = await QueueAsync(1000);
        var options = Options(batchSize: 25);
        async Task Drain(string worker)
        {
            while (await DeliveryWorker.RunOnceAsync(Scopes, worker, options, CancellationToken.None) > 0)
            {
            }
        }

        await Task.WhenAll(Drain("worker-a"), Drain("worker-b"));
        await Drain("worker-a"); // anything the other still held when this one went idle

        Assert.Equal(1000, _sender.Sent.Count);
        Assert.Equal(ids.Order(), _sender.Sent.Distinct().Order());
        await using var scope = _app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        Assert.Equal(1000, await db.Outbox.IgnoreQueryFilters().CountAsync(o => ids.Contains(o.MessageId) && o.State == OutboxState.Sent && o.Attempts == 1));
        Assert.Equal(1000, await db.Messages.IgnoreQueryFilters().CountAsync(m => ids.Contains(m.Id) && m.Status == MessageStatus.Sent && m.ExternalId != null));
    }

    [Fact]
    public async Task A_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice()
    {
        var ids = await QueueAsync(30);
        _sender.HangOnAttempt = 4;
        var options = Options(batchSize: 10);

        // The first worker claims 10, sends three, then hangs inside the provider call for the fourth: it is gone.
        _ = Task.Run(() => DeliveryWorker.RunOnceAsync(Scopes, "doomed", options, CancellationToken.None));
        await _sender.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var hung = _sender.Hung!.Value;
        _clock.Advance(TimeSpan.FromSeconds(1.5)); // its leases run out

        while (await DeliveryWorker.RunOnceAsync(Scopes, "survivor", options, CancellationToken.None) > 0)
        {
        }

        var sent = _sender.Sent.ToList();
        Assert.Equal(29, sent.Count);
        Assert.Equal(sent.Count, sent.Distinct().Count());
        Assert.DoesNotContain(hung, sent);
        Assert.Single(_sender.Started, id => id == hung); // never attempted a second time

        await using var scope = _app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var inDoubt = await db.Outbox.IgnoreQueryFilters().SingleAsync(o => o.MessageId == hung);
        Assert.Equal(OutboxState.Dead, inDoubt.State);
        Assert.StartsWith("In doubt", inDoubt.LastError, StringComparison.Ordinal);
        var message = await db.Messages.IgnoreQueryFilters().SingleAsync(m => m.Id == hung);
        Assert.Equal(MessageStatus.Failed, message.Status);
        Assert.Equal(0, await db.Outbox.IgnoreQueryFilters().CountAsync(o => ids.Contains(o.MessageId) && o.State != OutboxState.Sent && o.State != OutboxState.Dead));
    }

    [Fact]
    public async Task A_failing_adapter_ends_in_dead_letter_after_the_configured_tries_and_a_manual_retry_sends_it()
    {
        var id = (await QueueAsync(1))[0];
        _sender.Outcome = _ => SendResult.Transient("451 4.3.0 Mail server temporarily rejected message");
        var options = Options(batchSize: 5);
        for (var i = 0; i < 20 && await StateAsync(id) != OutboxState.Dead; i++)
        {
            await DeliveryWorker.RunOnceAsync(Scopes, "w", options, CancellationToken.None);
            _clock.Advance(TimeSpan.FromMilliseconds(60)); // past the backoff
        }

        await using (var scope = _app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var entry = await db.Outbox.IgnoreQueryFilters().SingleAsync(o => o.MessageId == id);
            Assert.Equal(OutboxState.Dead, entry.State);
            Assert.Equal(3, entry.Attempts);
            Assert.Contains("451 4.3.0", entry.LastError, StringComparison.Ordinal);
            var message = await db.Messages.IgnoreQueryFilters().SingleAsync(m => m.Id == id);
            Assert.Equal(MessageStatus.Failed, message.Status);
            Assert.Contains("Gave up after 3 tries", message.FailureReason, StringComparison.Ordinal);
        }

        _sender.Outcome = e => SendResult.Sent($"ok-{e.MessageId:N}");
        var admin = await _app.SignedInAsync();
        var retry = await admin.PostAsync($"/api/v1/messages/{id}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/v1/messages/{id}/retry", null)).StatusCode);
        await DeliveryWorker.RunOnceAsync(Scopes, "w", options, CancellationToken.None);
        var after = await admin.GetJsonAsync($"/api/v1/messages/{id}");
        Assert.Equal("sent", after.Str("status"));
        Assert.Equal("sent", after.Str("delivery"));
    }

    [Fact]
    public async Task A_permanent_failure_is_dead_lettered_at_once_with_the_providers_reason()
    {
        var id = (await QueueAsync(1))[0];
        _sender.Outcome = _ => SendResult.Permanent("21211: The 'To' number is not a valid phone number.");
        await DeliveryWorker.RunOnceAsync(Scopes, "w", Options(5), CancellationToken.None);
        var admin = await _app.SignedInAsync();
        var message = await admin.GetJsonAsync($"/api/v1/messages/{id}");
        Assert.Equal("failed", message.Str("status"));
        Assert.Equal(1, message.GetProperty("delivery_attempts").GetInt32());
        Assert.Contains("21211", message.Str("failure_reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_callbacks_move_status_forward_only_and_hard_bounces_suppress_the_address()
    {
        var id = (await QueueAsync(1))[0];
        await DeliveryWorker.RunOnceAsync(Scopes, "w", Options(5), CancellationToken.None);
        await using var scope = _app.Scope();
        var sink = scope.ServiceProvider.GetRequiredService<IDeliveryStatusSink>();
        var workspaceId = await WorkspaceIdAsync();
        var providerId = $"scripted-{id:N}";
        var now = _clock.GetUtcNow();

        Assert.True(await sink.ApplyAsync(new DeliveryStatusUpdate { WorkspaceId = workspaceId, ProviderMessageId = providerId, Status = MessageStatus.Delivered, At = now }, default));
        Assert.True(await sink.ApplyAsync(new DeliveryStatusUpdate { WorkspaceId = workspaceId, ProviderMessageId = providerId, Status = MessageStatus.Sent, At = now }, default));
        Assert.False(await sink.ApplyAsync(new DeliveryStatusUpdate { WorkspaceId = workspaceId, ProviderMessageId = "unknown", Status = MessageStatus.Delivered, At = now }, default));
        var admin = await _app.SignedInAsync();
        Assert.Equal("delivered", (await admin.GetJsonAsync($"/api/v1/messages/{id}")).Str("status"));

        await sink.ApplyAsync(new DeliveryStatusUpdate
        {
            WorkspaceId = workspaceId, ProviderMessageId = providerId, Status = MessageStatus.Bounced, At = now, Error = "550 5.1.1 user unknown", SuppressAddress = true,
        }, default);
        var message = await admin.GetJsonAsync($"/api/v1/messages/{id}");
        var reply = await admin.PostAsync($"/api/v1/conversations/{message.Str("conversation_id")}/messages",
            System.Net.Http.Json.JsonContent.Create(new { content = "are you there?" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reply.StatusCode);
        Assert.Contains("suppressed", (await reply.JsonAsync()).Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_channels_rate_limit_holds_across_parallel_workers()
    {
        await QueueAsync(8, ratePerSecond: 2);
        var options = Options(batchSize: 4);
        async Task Drain(string worker)
        {
            while (await DeliveryWorker.RunOnceAsync(Scopes, worker, options, CancellationToken.None) > 0)
            {
            }
        }

        Task[] drains = [Drain("rate-a"), Drain("rate-b")];
        var all = Task.WhenAll(drains);
        for (var turn = 0; !all.IsCompleted; turn++)
        {
            Assert.True(turn < 3000, "The workers did not drain the queue.");
            // The clock moves to the next one-second window only once every worker still draining waits for a permit,
            // as real time would pass for workers that have nothing else to do.
            var draining = drains.Count(d => !d.IsCompleted);
            if (draining > 0 && _limiter.Waiting >= draining)
            {
                _clock.Advance(TimeSpan.FromMilliseconds(1001 - (_clock.GetUtcNow().ToUnixTimeMilliseconds() % 1000)));
            }

            await Task.WhenAny(all, _limiter.WaitChangedAsync(TimeSpan.FromMilliseconds(50)));
        }

        await all;
        var times = _sender.SentAt.Order().ToList();
        Assert.Equal(8, times.Count);
        // No one-second window holds more than the channel's 2 permits (each send waited for one)…
        var permits = _limiter.Windows.ToList();
        Assert.True(permits.Count >= 8, $"{permits.Count} permits for 8 sends");
        Assert.All(permits.GroupBy(w => w), window => Assert.True(window.Count() <= 2, $"{window.Count()} permits in window {window.Key}"));
        // …so 8 sends at 2/s take at least 4 windows: the first and last send are more than 2 s apart.
        Assert.True(times[^1] - times[0] >= 2000, "8 sends at 2/s span at least 3 windows");
    }

    private IServiceScopeFactory Scopes => _app.Services.GetRequiredService<IServiceScopeFactory>();

    private static DeliveryOptions Options(int batchSize) => new() { BatchSize = batchSize, Lease = TimeSpan.FromSeconds(1) };

    private async Task<Guid> WorkspaceIdAsync()
    {
        await using var scope = _app.Scope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().Workspaces.Select(w => w.Id).FirstAsync();
    }

    private async Task<OutboxState> StateAsync(Guid messageId)
    {
        await using var scope = _app.Scope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().Outbox.IgnoreQueryFilters()
            .Where(o => o.MessageId == messageId).Select(o => o.State).FirstAsync();
    }

    /// <summary>Queues <paramref name="count"/> outbound emails the way replies are queued: message and outbox row together.</summary>
    private async Task<List<Guid>> QueueAsync(int count, int ratePerSecond = 0)
    {
        var workspaceId = await WorkspaceIdAsync();
        await using var scope = _app.Scope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = _clock.GetUtcNow();
        var channel = new Channel { Name = "Scripted mail", Type = ChannelType.Email, Provider = ScriptedSender.ProviderName, Address = "support@acme.test", RateLimitPerSecond = ratePerSecond, CreatedAt = now, UpdatedAt = now };
        var contact = new Contact { Email = $"{Guid.NewGuid():N}@example.com", CreatedAt = now, UpdatedAt = now };
        var conversation = new Conversation { ContactId = contact.Id, ChannelId = channel.Id, ChannelType = ChannelType.Email, LastMessageAt = now, CreatedAt = now, UpdatedAt = now };
        db.AddRange(channel, contact, conversation);
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var message = new Message
            {
                ConversationId = conversation.Id, ChannelId = channel.Id, ChannelType = ChannelType.Email, Direction = MessageDirection.Outbound,
                SenderType = SenderType.System, Address = contact.Email, Text = $"message {i}", CreatedAt = now, UpdatedAt = now,
            };
            message.IdempotencyKey = $"out:{message.Id:N}";
            db.Messages.Add(message);
            db.Outbox.Add(new OutboxEntry { MessageId = message.Id, ChannelId = channel.Id, Channel = ChannelType.Email, NextAttemptAt = now, CreatedAt = now, UpdatedAt = now });
            ids.Add(message.Id);
        }

        await db.SaveChangesAsync();
        return ids;
    }
}
