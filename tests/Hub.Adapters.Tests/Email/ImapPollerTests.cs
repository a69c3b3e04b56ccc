using Hub.Adapters.Email;
using Hub.Adapters.Email.Inbound;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Hub.Adapters.Tests.Email;

/// <summary>The IMAP poller against a real IMAP server, with the UID cursor in a store that outlives "restarts".</summary>
public sealed class ImapPollerTests
{
    private readonly InMemoryChannelStateStore _state = new();
    private readonly RecordingInbox _inbox = new();
    private readonly RecordingStatusSink _statuses = new();
    private readonly StaticChannelDirectory _directory = new();

    private readonly InMemoryMailboxLease _lease = new(TimeProvider.System);

    private ServiceProvider Host(bool useIdle, bool withLease = false, int initialImportDays = 7, TimeProvider? clock = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Email:UseIdle"] = useIdle ? "true" : "false",
            ["Email:PollInterval"] = "00:00:00.200",
            ["Email:ChannelRefreshInterval"] = "00:00:00.200",
            ["Email:MaxReconnectDelay"] = "00:00:00.500",
            ["Email:MailboxLease"] = "00:00:01.500",
            ["Email:InitialImportDays"] = initialImportDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton(clock ?? TimeProvider.System);
        services.AddEmailChannel(configuration);
        services.AddSingleton<IChannelStateStore>(_state);
        services.AddSingleton<IInboundProcessor>(_inbox);
        services.AddSingleton<IDeliveryStatusSink>(_statuses);
        services.AddSingleton<IEmailChannelDirectory>(_directory);
        if (withLease)
        {
            services.AddSingleton<IMailboxLease>(_lease);
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private EmailMailbox AddMailbox(string user)
    {
        var mailbox = new EmailMailbox(Guid.NewGuid(), Guid.NewGuid(), $"{user}@hub.test", MailServers.Settings(user));
        _directory.Mailboxes.Add(mailbox);
        return mailbox;
    }

    private static MimeMessage CustomerMail(string user, string subject, string? inReplyTo = null)
    {
        var message = new MimeMessage { Subject = subject, MessageId = $"{Guid.NewGuid():N}@example.com" };
        message.From.Add(new MailboxAddress("Ann Customer", "ann@example.com"));
        message.To.Add(MailboxAddress.Parse($"{user}@hub.test"));
        if (inReplyTo is not null)
        {
            message.InReplyTo = inReplyTo;
            message.References.Add(inReplyTo);
        }

        message.Body = new TextPart("plain") { Text = $"{subject}\n\nOn Mon, 23 Nov 2026 at 10:00, Support <{user}@hub.test> wrote:\n> earlier text" };
        return message;
    }

    /// <summary>Polls until <paramref name="condition"/> holds (it is about state the test's own fakes keep).</summary>
    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    private static async Task<ImapPoller> StartAsync(ServiceProvider host)
    {
        var poller = host.GetRequiredService<ImapPoller>();
        await poller.StartAsync(CancellationToken.None);
        return poller;
    }

    [MailServerFact]
    public Task New_mail_is_picked_up_exactly_once_across_a_restart_with_IDLE() => ExactlyOnceAcrossRestart(useIdle: true);

    [MailServerFact]
    public Task New_mail_is_picked_up_exactly_once_across_a_restart_when_polling() => ExactlyOnceAcrossRestart(useIdle: false);

    private async Task ExactlyOnceAcrossRestart(bool useIdle)
    {
        var user = MailServers.NewMailbox();
        var mailbox = AddMailbox(user);
        await MailServers.DeliverAsync(user, CustomerMail(user, "Before start"));

        await using (var first = Host(useIdle))
        {
            var poller = await StartAsync(first);
            await _inbox.WaitForAsync(1);
            // Arrives while the poller runs: IDLE (or the next poll) brings it in.
            await MailServers.DeliverAsync(user, CustomerMail(user, "While running", inReplyTo: "<reply-to-me@hub.test>"));
            await _inbox.WaitForAsync(2);
            await poller.StopAsync(CancellationToken.None);
        }

        await MailServers.DeliverAsync(user, CustomerMail(user, "While stopped"));

        await using (var second = Host(useIdle))
        {
            var poller = await StartAsync(second);
            await _inbox.WaitForAsync("While stopped");
            // Fence: one more mail makes the reader look again; mail is imported oldest first, so a wrong re-read
            // (at start or on this next look) would have come before it.
            await MailServers.DeliverAsync(user, CustomerMail(user, "Fence"));
            await _inbox.WaitForAsync("Fence");
            await poller.StopAsync(CancellationToken.None);
        }

        var subjects = _inbox.Received.Select(m => m.Subject).ToList();
        Assert.Equal(["Before start", "While running", "While stopped", "Fence"], subjects);
        var reply = _inbox.Received.Single(m => m.Subject == "While running");
        Assert.Equal("reply-to-me@hub.test", reply.InReplyTo);
        Assert.Equal(["reply-to-me@hub.test"], reply.References);
        Assert.Equal("While running", reply.Text);
        Assert.Equal(mailbox.ChannelId, reply.ChannelId);
        Assert.Equal(mailbox.WorkspaceId, reply.WorkspaceId);
        Assert.Equal("ann@example.com", reply.From);
        Assert.Equal("4", _state.Values[(mailbox.ChannelId, "imap:INBOX:last_uid")]);
    }

    [MailServerFact]
    public async Task Mail_the_inbox_did_not_accept_is_read_again_and_nothing_after_it_is_skipped()
    {
        var user = MailServers.NewMailbox();
        AddMailbox(user);
        await MailServers.DeliverAsync(user, CustomerMail(user, "One"));
        await MailServers.DeliverAsync(user, CustomerMail(user, "Two"));
        _inbox.FailWhen = m => m.Subject == "Two";
        // The reader waits between attempts on this clock: the test moves it, so three attempts take no real time.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);

        await using (var host = Host(useIdle: true, clock: clock))
        {
            using var meter = new EmailMeter(host);
            var poller = await StartAsync(host);
            await meter.WaitForAsync(EmailMetrics.ImapReadFailures, 3, nudge: () => clock.Advance(TimeSpan.FromMilliseconds(500)));
            Assert.Equal(["One"], _inbox.Received.Select(m => m.Subject).ToList());
            Assert.Equal(1, meter[EmailMetrics.ImapImported]);
            _inbox.FailWhen = null;
            await meter.WaitForAsync(EmailMetrics.ImapImported, 2, nudge: () => clock.Advance(TimeSpan.FromMilliseconds(500)));
            await poller.StopAsync(CancellationToken.None);
        }

        Assert.Equal(["One", "Two"], _inbox.Received.Select(m => m.Subject).ToList());
    }

    [MailServerFact]
    public async Task A_changed_UIDVALIDITY_resets_the_cursor_instead_of_skipping_mail()
    {
        var user = MailServers.NewMailbox();
        var mailbox = AddMailbox(user);
        await MailServers.DeliverAsync(user, CustomerMail(user, "Only"));
        // A cursor from an older incarnation of the mailbox, far beyond its UIDs.
        _state.Values[(mailbox.ChannelId, "imap:INBOX:uidvalidity")] = "1";
        _state.Values[(mailbox.ChannelId, "imap:INBOX:last_uid")] = "999";

        await using (var host = Host(useIdle: true))
        {
            var poller = await StartAsync(host);
            await _inbox.WaitForAsync(1);
            await poller.StopAsync(CancellationToken.None);
        }

        Assert.Equal("Only", Assert.Single(_inbox.Received).Subject);
        Assert.NotEqual("1", _state.Values[(mailbox.ChannelId, "imap:INBOX:uidvalidity")]);
    }

    [MailServerFact]
    public async Task A_bounce_in_the_mailbox_goes_to_the_status_sink_not_the_inbox()
    {
        var user = MailServers.NewMailbox();
        AddMailbox(user);
        await MailServers.DeliverAsync(user, DsnSamples.Bounce(
            originalMessageId: "outbox-1@hub.test", status: "5.1.1", diagnostic: "smtp; 550 5.1.1 User unknown", to: $"{user}@hub.test"));
        await MailServers.DeliverAsync(user, CustomerMail(user, "After the bounce"));

        await using (var host = Host(useIdle: true))
        {
            var poller = await StartAsync(host);
            await _inbox.WaitForAsync(1);
            await poller.StopAsync(CancellationToken.None);
        }

        var update = Assert.Single(_statuses.Updates);
        Assert.Equal("outbox-1@hub.test", update.ProviderMessageId);
        Assert.Equal(MessageStatus.Bounced, update.Status);
        Assert.True(update.SuppressAddress);
        Assert.Equal("After the bounce", Assert.Single(_inbox.Received).Subject);
    }

    [MailServerFact]
    public async Task Two_nodes_read_a_mailbox_once_and_the_second_takes_over_when_the_first_stops()
    {
        var user = MailServers.NewMailbox();
        AddMailbox(user);
        await MailServers.DeliverAsync(user, CustomerMail(user, "One"));

        await using var nodeA = Host(useIdle: true, withLease: true);
        await using var nodeB = Host(useIdle: true, withLease: true);
        using var meterA = new EmailMeter(nodeA);
        using var meterB = new EmailMeter(nodeB);
        var pollerA = await StartAsync(nodeA);
        await _inbox.WaitForAsync("One");
        var pollerB = await StartAsync(nodeB);
        await MailServers.DeliverAsync(user, CustomerMail(user, "Two"));
        await _inbox.WaitForAsync("Two");
        // B has asked for the mailbox while A read it, and was turned away.
        await UntilAsync(() => _lease.Refusals(pollerB.Owner) > 0, "node B asking for the mailbox");

        await pollerA.StopAsync(CancellationToken.None);
        await MailServers.DeliverAsync(user, CustomerMail(user, "Three"));
        await _inbox.WaitForAsync("Three");
        // Fence: B reads oldest first, so anything it read twice (or A's mail it re-read on taking over) came before this.
        await MailServers.DeliverAsync(user, CustomerMail(user, "Four"));
        await _inbox.WaitForAsync("Four");
        await pollerB.StopAsync(CancellationToken.None);

        Assert.Equal(["One", "Two", "Three", "Four"], _inbox.Received.Select(m => m.Subject).ToList());
        Assert.Equal(2, meterA[EmailMetrics.ImapImported]);
        Assert.Equal(2, meterB[EmailMetrics.ImapImported]);
    }

    [MailServerTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_new_mailbox_imports_only_the_recent_window_and_never_older_mail_later(bool recentMailWaiting)
    {
        var user = MailServers.NewMailbox();
        var mailbox = AddMailbox(user);
        await MailServers.AppendAsync(user, CustomerMail(user, "Last month"), DateTimeOffset.UtcNow.AddDays(-30));
        if (recentMailWaiting)
        {
            await MailServers.AppendAsync(user, CustomerMail(user, "Yesterday"), DateTimeOffset.UtcNow.AddDays(-1));
        }

        await using var host = Host(useIdle: true, initialImportDays: 7);
        var poller = await StartAsync(host);
        // The first look at the mailbox has placed the cursor: "Today" arrives while the reader waits for new mail.
        await UntilAsync(() => _state.Values.ContainsKey((mailbox.ChannelId, "imap:INBOX:last_uid")), "the cursor to be placed");
        if (recentMailWaiting)
        {
            await _inbox.WaitForAsync("Yesterday");
        }

        await MailServers.DeliverAsync(user, CustomerMail(user, "Today"));
        // Mail is imported oldest first: a wrong late import of "Last month" would have come before "Today".
        await _inbox.WaitForAsync("Today");
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal(recentMailWaiting ? ["Yesterday", "Today"] : ["Today"], _inbox.Received.Select(m => m.Subject).ToList());
    }
}
