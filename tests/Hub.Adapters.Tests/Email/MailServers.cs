using System.Collections.Concurrent;
using Hub.Adapters.Email;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;

namespace Hub.Adapters.Tests.Email;

/// <summary>
/// A test that needs the SMTP and IMAP servers <c>scripts/lib/mail.sh</c> starts (<c>HUB_TEST_SMTP</c>,
/// <c>HUB_TEST_IMAP</c>). Without them the test is skipped, loudly, on a developer machine; under CI it runs and fails.
/// </summary>
public sealed class MailServerFactAttribute : FactAttribute
{
    public MailServerFactAttribute()
    {
        if (MailServers.Smtp is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "SKIPPED: no mail servers (set HUB_TEST_SMTP and HUB_TEST_IMAP, or `source scripts/lib/mail.sh && start_mail`).";
        }
    }
}

/// <summary>A theory that needs the test mail servers; see <see cref="MailServerFactAttribute"/>.</summary>
public sealed class MailServerTheoryAttribute : TheoryAttribute
{
    public MailServerTheoryAttribute()
    {
        if (MailServers.Smtp is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "SKIPPED: no mail servers (set HUB_TEST_SMTP and HUB_TEST_IMAP, or `source scripts/lib/mail.sh && start_mail`).";
        }
    }
}

/// <summary>Where the test mail servers are. Any user logs in with <see cref="Password"/> and sees the mail sent to that local part.</summary>
public static class MailServers
{
    private static bool Ci => Environment.GetEnvironmentVariable("CI") == "true";

    public static (string Host, int Port)? Smtp => Endpoint("HUB_TEST_SMTP", 12525);

    public static (string Host, int Port)? Imap => Endpoint("HUB_TEST_IMAP", 11143);

    public static string Password => Environment.GetEnvironmentVariable("HUB_TEST_MAIL_PASSWORD") is { Length: > 0 } p ? p : "hub";

    private static (string Host, int Port)? Endpoint(string variable, int ciPort)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(value))
        {
            return Ci ? ("127.0.0.1", ciPort) : null;
        }

        var colon = value.LastIndexOf(':');
        return (value[..colon], int.Parse(value[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A fresh mailbox name, so tests never see each other's mail.</summary>
    public static string NewMailbox(string prefix = "t") => $"{prefix}{Guid.NewGuid():N}"[..24];

    /// <summary>Channel settings for a mailbox on the test servers.</summary>
    public static Dictionary<string, string> Settings(string user, string from = "support@hub.test") => new()
    {
        ["smtp_host"] = Smtp!.Value.Host,
        ["smtp_port"] = Smtp.Value.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["smtp_security"] = "none",
        ["smtp_username"] = "hub",
        ["smtp_password"] = Password,
        ["imap_host"] = Imap!.Value.Host,
        ["imap_port"] = Imap.Value.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["imap_security"] = "none",
        ["imap_username"] = user,
        ["imap_password"] = Password,
        ["from"] = from,
    };

    /// <summary>Waits until the mailbox holds at least <paramref name="count"/> messages and returns them, oldest first.</summary>
    public static async Task<IReadOnlyList<MimeMessage>> ReadMailboxAsync(string user, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            using var client = new ImapClient();
            await client.ConnectAsync(Imap!.Value.Host, Imap.Value.Port, MailKit.Security.SecureSocketOptions.None);
            await client.AuthenticateAsync(user, Password);
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var uids = await client.Inbox.SearchAsync(SearchQuery.All);
            if (uids.Count >= count || DateTime.UtcNow > deadline)
            {
                var messages = new List<MimeMessage>();
                foreach (var uid in uids.OrderBy(u => u.Id))
                {
                    messages.Add(await client.Inbox.GetMessageAsync(uid));
                }

                await client.DisconnectAsync(true);
                return messages;
            }

            await client.DisconnectAsync(true);
            await Task.Delay(100);
        }
    }

    /// <summary>Puts a message into a mailbox over IMAP APPEND with the given arrival date, as a migrated or old mail.</summary>
    public static async Task AppendAsync(string user, MimeMessage message, DateTimeOffset arrivedAt)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(Imap!.Value.Host, Imap.Value.Port, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        await client.Inbox.AppendAsync(new AppendRequest(message) { InternalDate = arrivedAt });
        await client.DisconnectAsync(true);
    }

    /// <summary>Puts a raw message into a mailbox over SMTP, the way a customer's mail arrives.</summary>
    public static async Task DeliverAsync(string user, MimeMessage message)
    {
        using var client = new MailKit.Net.Smtp.SmtpClient();
        await client.ConnectAsync(Smtp!.Value.Host, Smtp.Value.Port, MailKit.Security.SecureSocketOptions.None);
        await client.SendAsync(message, MailboxAddress.Parse("customer@example.com"), [MailboxAddress.Parse($"{user}@hub.test")]);
        await client.DisconnectAsync(true);
    }
}

/// <summary>Channel state in memory, shared across "restarts" of the poller the way the database would be.</summary>
public sealed class InMemoryChannelStateStore : IChannelStateStore
{
    public ConcurrentDictionary<(Guid, string), string> Values { get; } = new();

    public Task<string?> GetAsync(Guid channelId, string key, CancellationToken cancellationToken) =>
        Task.FromResult(Values.TryGetValue((channelId, key), out var v) ? v : null);

    public Task SetAsync(Guid channelId, string key, string value, CancellationToken cancellationToken)
    {
        Values[(channelId, key)] = value;
        return Task.CompletedTask;
    }
}

/// <summary>An inbox that records what it is handed; it can be told to fail, like a database that is down.</summary>
public sealed class RecordingInbox : IInboundProcessor
{
    public ConcurrentQueue<InboundMessage> Received { get; } = new();

    public Func<InboundMessage, bool>? FailWhen { get; set; }

    public Task<InboundResult> ReceiveAsync(InboundMessage message, InboundStep? inTransaction, CancellationToken cancellationToken)
    {
        if (FailWhen?.Invoke(message) == true)
        {
            throw new InvalidOperationException("The inbox is unavailable.");
        }

        Received.Enqueue(message);
        return Task.FromResult(new InboundResult(Guid.NewGuid(), Guid.NewGuid(), true, false));
    }

    /// <summary>Waits until a message with this subject has been accepted.</summary>
    public async Task WaitForAsync(string subject, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!Received.Any(m => m.Subject == subject))
        {
            Assert.True(DateTime.UtcNow < deadline, $"\"{subject}\" never arrived; got: {string.Join(", ", Received.Select(m => m.Subject))}");
            await Task.Delay(50);
        }
    }

    public async Task<IReadOnlyList<InboundMessage>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (Received.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return [.. Received];
    }
}

/// <summary>Records the status updates bounces produce.</summary>
public sealed class RecordingStatusSink : IDeliveryStatusSink
{
    public ConcurrentQueue<DeliveryStatusUpdate> Updates { get; } = new();

    public Task<bool> ApplyAsync(DeliveryStatusUpdate update, CancellationToken cancellationToken)
    {
        Updates.Enqueue(update);
        return Task.FromResult(true);
    }
}

/// <summary>The email channels the poller should read.</summary>
public sealed class StaticChannelDirectory : IEmailChannelDirectory
{
    public List<EmailMailbox> Mailboxes { get; } = [];

    public Task<IReadOnlyList<EmailMailbox>> ListActiveAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EmailMailbox>>([.. Mailboxes]);
}

/// <summary>The claim on a mailbox, in memory, shared by the "nodes" of a test.</summary>
public sealed class InMemoryMailboxLease(TimeProvider clock) : Hub.Adapters.Email.Inbound.IMailboxLease
{
    private readonly Dictionary<Guid, (string Owner, DateTimeOffset At)> _claims = [];
    private readonly ConcurrentDictionary<string, int> _refusals = new();

    /// <summary>How often <paramref name="owner"/> was refused because another owner held the claim.</summary>
    public int Refusals(string owner) => _refusals.GetValueOrDefault(owner);

    public Task<bool> TryAcquireAsync(Guid channelId, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        lock (_claims)
        {
            var now = clock.GetUtcNow();
            if (_claims.TryGetValue(channelId, out var claim) && claim.Owner != owner && claim.At > now - ttl)
            {
                _refusals.AddOrUpdate(owner, 1, (_, n) => n + 1);
                return Task.FromResult(false);
            }

            _claims[channelId] = (owner, now);
            return Task.FromResult(true);
        }
    }

    public Task ReleaseAsync(Guid channelId, string owner, CancellationToken cancellationToken)
    {
        lock (_claims)
        {
            if (_claims.TryGetValue(channelId, out var claim) && claim.Owner == owner)
            {
                _claims.Remove(channelId);
            }
        }

        return Task.CompletedTask;
    }
}
