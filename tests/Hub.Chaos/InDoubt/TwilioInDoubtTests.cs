using System.Net.Http.Json;
using System.Text;
using Hub.Chaos.Infrastructure;
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

namespace Hub.Chaos.InDoubt;

/// <summary>
/// A delivery worker that dies while Twilio is being called leaves its outbox row "sending" past the lease. The next
/// worker asks Twilio's message list instead of dead-lettering blindly: sent once if Twilio has it, sent again exactly
/// once if Twilio surely does not, and dead-lettered "in doubt" only when Twilio cannot be asked after several tries.
/// A live worker whose call's answer is lost (connection dropped after sending, or cut off at the lease while Twilio
/// stalls) parks the row the same way instead of retrying blindly. Runs on
/// the suite's store (SQLite, or PostgreSQL with HUB_TEST_STORE=postgres).
/// </summary>
public sealed class TwilioInDoubtTests : IAsyncLifetime
{
    private const string Number = "+15005550009";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(4); // long enough for a provider call on a loaded box (a call is cut off a fifth before the lease ends)

    private readonly HubApp _app = new();
    private TwilioStandIn _twilio = null!;
    private Guid _channelId;

    public async Task InitializeAsync()
    {
        _twilio = await TwilioStandIn.StartAsync();
        _app.Settings["Delivery:Enabled"] = "false"; // the test drives the workers itself
        _app.Settings["Delivery:Lease"] = "00:00:04";
        _app.Settings["Delivery:BaseBackoff"] = "00:00:00.4"; // a parked in-doubt row is asked about within 0.6 s
        _app.Settings["Delivery:MaxAttempts"] = "3";
        _app.Settings["Twilio:BaseUrl"] = _twilio.BaseUrl.AbsoluteUri;
        await _app.InitializeAsync();
        var admin = await _app.SignedInAsync();
        var channel = await admin.PostAsJsonAsync("/api/v1/channels", new
        {
            name = "Twilio SMS", type = "sms", provider = "twilio", address = Number, settings = _twilio.ChannelSettings(Number),
        });
        Assert.True(channel.IsSuccessStatusCode, await channel.Content.ReadAsStringAsync());
        _channelId = (await channel.JsonAsync()).GetProperty("id").GetGuid();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)_app).DisposeAsync();
        await _twilio.DisposeAsync();
    }

    [Fact]
    public async Task A_message_Twilio_created_before_the_worker_died_is_recorded_sent_with_its_sid_and_not_sent_again()
    {
        var (id, phone, text) = await QueueAsync("Your code is 4711");
        await LeaveSendingAsync(id);
        // The dead worker's call reached Twilio.
        var sid = await PostToTwilioAsync(phone, text);
        await Task.Delay(Lease + TimeSpan.FromMilliseconds(300));

        await DrainAsync();

        Assert.Single(_twilio.Messages, m => m.To == phone);
        Assert.True(_twilio.Lookups >= 1);
        var (entry, message) = await LoadAsync(id);
        Assert.Equal(OutboxState.Sent, entry.State);
        Assert.Equal(sid, entry.ProviderMessageId);
        Assert.Equal(1, entry.Attempts);
        Assert.Equal(MessageStatus.Sent, message.Status);
        Assert.Equal(sid, message.ExternalId);
    }

    [Fact]
    public async Task A_message_Twilio_never_created_is_sent_again_exactly_once()
    {
        var (id, phone, _) = await QueueAsync("Your code is 1234");
        await LeaveSendingAsync(id);
        await Task.Delay(Lease + TimeSpan.FromMilliseconds(300));

        await DrainAsync();
        await DrainAsync();

        var entry = await AssertSentOnceAtTwilioAsync(id, phone);
        Assert.Equal(2, entry.Attempts);
    }

    [Fact]
    public async Task The_same_text_already_sent_to_the_recipient_by_another_message_does_not_count_as_this_one()
    {
        var (first, phone, text) = await QueueAsync("See you at 5");
        await DrainAsync(); // the first copy goes out normally
        var (second, _, _) = await QueueAsync(text, phone);
        await LeaveSendingAsync(second);
        await Task.Delay(Lease + TimeSpan.FromMilliseconds(300));

        await DrainAsync();

        var atTwilio = _twilio.Messages.Where(m => m.To == phone).ToList();
        Assert.Equal(2, atTwilio.Count);
        var (firstEntry, _) = await LoadAsync(first);
        var (secondEntry, _) = await LoadAsync(second);
        Assert.Equal(OutboxState.Sent, secondEntry.State);
        Assert.NotEqual(firstEntry.ProviderMessageId, secondEntry.ProviderMessageId);
        Assert.Equal(atTwilio.Select(m => m.Sid).Order(), new[] { firstEntry.ProviderMessageId, secondEntry.ProviderMessageId }.Order());
    }

    [Fact]
    public async Task When_Twilio_cannot_be_asked_it_is_asked_again_and_the_row_is_dead_lettered_in_doubt_once_the_tries_are_spent()
    {
        var (id, phone, _) = await QueueAsync("Your code is 9999");
        await LeaveSendingAsync(id);
        _twilio.FailLookups = true;
        await Task.Delay(Lease + TimeSpan.FromMilliseconds(300));

        await DrainAsync();
        var (parked, _) = await LoadAsync(id);
        Assert.Equal(OutboxState.Sending, parked.State); // asked once, not answered: asked again later, never re-sent blindly
        Assert.Contains("could not be asked", parked.LastError, StringComparison.Ordinal);
        for (var i = 0; i < 20 && (await LoadAsync(id)).Entry.State == OutboxState.Sending; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            await DrainAsync();
        }

        Assert.True(_twilio.Lookups >= 3, $"{_twilio.Lookups} lookups");
        Assert.DoesNotContain(_twilio.Messages, m => m.To == phone);
        var (entry, message) = await LoadAsync(id);
        Assert.Equal(OutboxState.Dead, entry.State);
        Assert.StartsWith("In doubt", entry.LastError, StringComparison.Ordinal);
        Assert.Contains("could not be asked", entry.LastError, StringComparison.Ordinal);
        Assert.Equal(MessageStatus.Failed, message.Status);
    }

    [Fact]
    public async Task A_live_workers_call_whose_answer_was_lost_after_Twilio_created_the_message_is_asked_about_and_recorded_sent_once()
    {
        var (id, phone, _) = await QueueAsync("Your code is 2468");
        _twilio.NextCreate = CreateFault.CreateThenDrop;

        await DrainAsync();
        var (parked, parkedMessage) = await LoadAsync(id);
        Assert.Equal(OutboxState.Sending, parked.State); // not "pending": a blind retry would send it twice
        Assert.Contains("In doubt: twilio will be asked", parked.LastError, StringComparison.Ordinal);
        Assert.Equal(MessageStatus.Sending, parkedMessage.Status);
        await SettleAsync(id);

        await AssertSentOnceAtTwilioAsync(id, phone);
        Assert.True(_twilio.Lookups >= 1);
        ChaosReport.Record(ChaosKind.Fault, "Twilio created the message, then the connection dropped before its answer", 1, "faults", 0,
            "parked in doubt (not retried); Twilio asked; recorded sent with its SID; 1 at Twilio");
    }

    [Fact]
    public async Task A_call_cut_off_at_the_lease_while_Twilio_stalls_after_creating_is_asked_about_not_sent_again()
    {
        var (id, phone, _) = await QueueAsync("Your code is 1357");
        _twilio.NextCreate = CreateFault.CreateThenStall; // Twilio keeps the answer past the lease's cut-off (3.2 s)

        await DrainAsync();
        Assert.Equal(OutboxState.Sending, (await LoadAsync(id)).Entry.State);
        await SettleAsync(id);

        await AssertSentOnceAtTwilioAsync(id, phone);
        ChaosReport.Record(ChaosKind.Fault, "Twilio created the message and stalled its answer past the delivery lease", 1, "faults", 0,
            "call cut off at the lease; Twilio asked; recorded sent with its SID; 1 at Twilio");
    }

    [Fact]
    public async Task A_connection_dropped_before_Twilio_created_the_message_is_asked_about_then_sent_exactly_once()
    {
        var (id, phone, _) = await QueueAsync("Your code is 8642");
        _twilio.NextCreate = CreateFault.DropWithoutCreating;

        await DrainAsync();
        Assert.Equal(OutboxState.Sending, (await LoadAsync(id)).Entry.State);
        Assert.DoesNotContain(_twilio.Messages, m => m.To == phone);
        await SettleAsync(id);

        var entry = await AssertSentOnceAtTwilioAsync(id, phone);
        Assert.Equal(2, entry.Attempts);
        ChaosReport.Record(ChaosKind.Fault, "Connection to Twilio dropped before the message was created", 1, "faults", 0,
            "parked in doubt; Twilio asked, had none; sent again once; 1 at Twilio");
    }

    /// <summary>Twilio has exactly one message to <paramref name="phone"/>, and the row and message are recorded sent with its SID.</summary>
    private async Task<OutboxEntry> AssertSentOnceAtTwilioAsync(Guid messageId, string phone)
    {
        var atTwilio = Assert.Single(_twilio.Messages, m => m.To == phone);
        var (entry, message) = await LoadAsync(messageId);
        Assert.Equal(OutboxState.Sent, entry.State);
        Assert.Equal(atTwilio.Sid, entry.ProviderMessageId);
        Assert.Equal(MessageStatus.Sent, message.Status);
        Assert.Equal(atTwilio.Sid, message.ExternalId);
        return entry;
    }

    /// <summary>Waits out the parked row's backoff and drains until it leaves "sending".</summary>
    private async Task SettleAsync(Guid messageId)
    {
        for (var i = 0; i < 20 && (await LoadAsync(messageId)).Entry.State == OutboxState.Sending; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(400));
            await DrainAsync();
        }
    }

    private IServiceScopeFactory Scopes => _app.Services.GetRequiredService<IServiceScopeFactory>();

    private async Task DrainAsync()
    {
        var options = new DeliveryOptions { BatchSize = 10, Lease = Lease };
        for (var i = 0; i < 10 && await DeliveryWorker.RunOnceAsync(Scopes, "survivor", options, CancellationToken.None) > 0; i++)
        {
        }
    }

    private async Task<(Guid Id, string Phone, string Text)> QueueAsync(string text, string? phone = null)
    {
        phone ??= $"+1416{Random.Shared.Next(1_000_000, 9_999_999)}";
        await using var scope = _app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var workspaceId = await db.Channels.IgnoreQueryFilters().Where(c => c.Id == _channelId).Select(c => c.WorkspaceId).FirstAsync();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
        var now = DateTimeOffset.UtcNow;
        var contact = new Contact { Phone = phone, CreatedAt = now, UpdatedAt = now };
        var conversation = new Conversation { ContactId = contact.Id, ChannelId = _channelId, ChannelType = ChannelType.Sms, LastMessageAt = now, CreatedAt = now, UpdatedAt = now };
        var message = new Message
        {
            ConversationId = conversation.Id, ChannelId = _channelId, ChannelType = ChannelType.Sms, Direction = MessageDirection.Outbound,
            SenderType = SenderType.System, Address = phone, Text = text, CreatedAt = now, UpdatedAt = now,
        };
        message.IdempotencyKey = $"out:{message.Id:N}";
        db.AddRange(contact, conversation, message);
        db.Outbox.Add(new OutboxEntry { MessageId = message.Id, ChannelId = _channelId, Channel = ChannelType.Sms, NextAttemptAt = now, CreatedAt = now, UpdatedAt = now });
        await db.SaveChangesAsync();
        return (message.Id, phone, text);
    }

    /// <summary>What a worker leaves behind when its node dies during the provider call: the row "sending" under its lease.</summary>
    private async Task LeaveSendingAsync(Guid messageId)
    {
        await using var scope = _app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = DateTimeOffset.UtcNow;
        await db.Outbox.IgnoreQueryFilters().Where(o => o.MessageId == messageId).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.State, OutboxState.Sending).SetProperty(o => o.Attempts, 1).SetProperty(o => o.LockedBy, "dead-node")
            .SetProperty(o => o.LockedUntil, now + Lease).SetProperty(o => o.UpdatedAt, now));
        await db.Messages.IgnoreQueryFilters().Where(m => m.Id == messageId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Sending));
    }

    private async Task<string> PostToTwilioAsync(string to, string body)
    {
        using var http = new HttpClient { BaseAddress = _twilio.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/2010-04-01/Accounts/{TwilioStandIn.AccountSid}/Messages.json")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["To"] = to, ["From"] = Number, ["Body"] = body }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TwilioStandIn.AccountSid}:{_twilio.AuthToken}")));
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("sid").GetString()!;
    }

    private async Task<(OutboxEntry Entry, Message Message)> LoadAsync(Guid messageId)
    {
        await using var scope = _app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return (await db.Outbox.IgnoreQueryFilters().AsNoTracking().SingleAsync(o => o.MessageId == messageId),
            await db.Messages.IgnoreQueryFilters().AsNoTracking().SingleAsync(m => m.Id == messageId));
    }
}
