using System.Net;
using System.Net.Sockets;
using Hub.Adapters.Email;
using Hub.Adapters.Email.Sending;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Hub.Adapters.Tests.Email;

/// <summary>The SMTP sender against a real SMTP server whose mail is read back over real IMAP.</summary>
public sealed class SmtpSenderTests : IAsyncDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddSingleton<EmailMetrics>().BuildServiceProvider();
    private readonly SmtpConnectionPool _pool;
    private readonly SmtpSender _sender;
    private readonly EmailMeter _meter;

    public SmtpSenderTests()
    {
        var options = Options.Create(new EmailOptions { SmtpPoolSize = 3, ConnectTimeout = TimeSpan.FromSeconds(5), CommandTimeout = TimeSpan.FromSeconds(10) });
        _meter = new EmailMeter(_services);
        _pool = new SmtpConnectionPool(options, TimeProvider.System, _services.GetRequiredService<EmailMetrics>(), NullLogger<SmtpConnectionPool>.Instance);
        _sender = new SmtpSender(_pool, TimeProvider.System, NullLogger<SmtpSender>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _pool.DisposeAsync();
        _meter.Dispose();
        await _services.DisposeAsync();
    }

    private static OutboundEnvelope Envelope(string to, IReadOnlyDictionary<string, string>? settings = null, string? key = null) => new()
    {
        MessageId = Guid.NewGuid(),
        WorkspaceId = Guid.NewGuid(),
        Channel = ChannelType.Email,
        Settings = settings ?? MailServers.Settings("unused"),
        From = "support@acme.test",
        FromName = "Acme Support",
        To = to,
        ToName = "Ann Customer",
        Subject = "Your order",
        Text = "Hello Ann,\nyour order has shipped.",
        Html = "<p>Hello Ann,</p><p>your order has <b>shipped</b>.</p>",
        IdempotencyKey = key ?? $"msg-{Guid.NewGuid():N}",
    };

    [MailServerFact]
    public async Task Reply_arrives_as_multipart_with_threading_and_one_click_unsubscribe_headers()
    {
        var box = MailServers.NewMailbox();
        var envelope = Envelope($"{box}@hub.test") with
        {
            InReplyTo = "<customer-2@example.com>",
            References = ["customer-1@example.com", "<customer-2@example.com>"],
            Headers = new Dictionary<string, string> { ["List-Unsubscribe"] = "<https://hub.test/u/abc>, <mailto:unsub@hub.test>", ["X-Campaign"] = "c-7" },
            Attachments =
            [
                new Attachment("note.txt", "text/plain", 5, "data:text/plain;base64," + Convert.ToBase64String("hello"u8.ToArray())),
                new Attachment("stored.pdf", "application/pdf", 1000, "https://files.hub.test/stored.pdf"),
            ],
        };

        var result = await _sender.SendAsync(envelope, CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, result.Outcome);
        Assert.Equal($"{envelope.IdempotencyKey}@acme.test", result.ProviderMessageId);
        var received = Assert.Single(await MailServers.ReadMailboxAsync(box));
        Assert.Equal(result.ProviderMessageId, received.MessageId);
        Assert.Equal("customer-2@example.com", received.InReplyTo);
        Assert.Equal(["customer-1@example.com", "customer-2@example.com"], received.References.ToArray());
        Assert.Equal("List-Unsubscribe=One-Click", received.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("<https://hub.test/u/abc>, <mailto:unsub@hub.test>", received.Headers["List-Unsubscribe"]);
        Assert.Equal("c-7", received.Headers["X-Campaign"]);
        Assert.Equal("Acme Support", received.From.Mailboxes.Single().Name);
        Assert.Equal("Your order", received.Subject);
        Assert.Contains("your order has shipped.", received.TextBody, StringComparison.Ordinal);
        Assert.Contains("<b>shipped</b>", received.HtmlBody, StringComparison.Ordinal);
        Assert.NotNull(received.BodyParts.OfType<MultipartAlternative>().FirstOrDefault() ?? (received.Body as Multipart)?.OfType<MultipartAlternative>().FirstOrDefault());
        // The attachment with content goes out; the one that lives only in a (not yet existing) store is skipped.
        var attachment = Assert.Single(received.Attachments.OfType<MimePart>());
        Assert.Equal("note.txt", attachment.FileName);
    }

    [MailServerFact]
    public async Task A_resend_carries_the_same_Message_ID()
    {
        var box = MailServers.NewMailbox();
        var first = Envelope($"{box}@hub.test", key: "outbox-42");
        var second = first with { MessageId = Guid.NewGuid() };

        var a = await _sender.SendAsync(first, CancellationToken.None);
        var b = await _sender.SendAsync(second, CancellationToken.None);

        Assert.Equal("outbox-42@acme.test", a.ProviderMessageId);
        Assert.Equal(a.ProviderMessageId, b.ProviderMessageId);
        var received = await MailServers.ReadMailboxAsync(box, 2);
        Assert.All(received, m => Assert.Equal("outbox-42@acme.test", m.MessageId));
    }

    [MailServerFact]
    public async Task Recipient_refused_with_5xx_is_a_permanent_failure_with_the_servers_reply()
    {
        var result = await _sender.SendAsync(Envelope("reject-nobody@hub.test"), CancellationToken.None);

        Assert.Equal(SendOutcome.PermanentFailure, result.Outcome);
        Assert.StartsWith("550", result.Error, StringComparison.Ordinal);
        Assert.Contains("User unknown", result.Error, StringComparison.Ordinal);
    }

    [MailServerFact]
    public async Task Recipient_deferred_with_4xx_is_transient_and_the_connection_stays_usable()
    {
        var deferred = await _sender.SendAsync(Envelope("defer-later@hub.test"), CancellationToken.None);
        var box = MailServers.NewMailbox();
        var next = await _sender.SendAsync(Envelope($"{box}@hub.test"), CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, deferred.Outcome);
        Assert.StartsWith("450", deferred.Error, StringComparison.Ordinal);
        Assert.Equal(SendOutcome.Sent, next.Outcome);
        Assert.Equal(1, _meter[EmailMetrics.SmtpConnectionsOpened]);
    }

    [Fact]
    public async Task Server_refusing_connections_is_a_transient_failure()
    {
        // A port nobody listens on: bind one, note it, close it.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var settings = new Dictionary<string, string> { ["smtp_host"] = "127.0.0.1", ["smtp_port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["smtp_security"] = "none" };

        var result = await _sender.SendAsync(Envelope("ann@example.com", settings), CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public async Task Server_that_drops_the_connection_is_a_transient_failure()
    {
        // Accepts, greets, then hangs up on the first command, like an overloaded server.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync();
            var stream = socket.GetStream();
            await stream.WriteAsync("220 flaky.test ESMTP\r\n"u8.ToArray());
            _ = await stream.ReadAsync(new byte[512]);
            socket.Client.Close();
        });
        var settings = new Dictionary<string, string> { ["smtp_host"] = "127.0.0.1", ["smtp_port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["smtp_security"] = "none" };

        var result = await _sender.SendAsync(Envelope("ann@example.com", settings), CancellationToken.None);

        await server;
        listener.Stop();
        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
    }

    [Fact]
    public async Task Channel_without_an_SMTP_host_is_a_permanent_failure()
    {
        var result = await _sender.SendAsync(Envelope("ann@example.com", new Dictionary<string, string>()), CancellationToken.None);

        Assert.Equal(SendOutcome.PermanentFailure, result.Outcome);
    }

    [MailServerFact]
    public async Task Many_parallel_sends_share_a_bounded_pool_of_connections()
    {
        var box = MailServers.NewMailbox();
        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => _sender.SendAsync(Envelope($"{box}@hub.test"), CancellationToken.None)));

        Assert.All(results, r => Assert.Equal(SendOutcome.Sent, r.Outcome));
        Assert.InRange(_meter[EmailMetrics.SmtpConnectionsOpened], 1, 3);
        Assert.InRange(_meter[EmailMetrics.SmtpConnectionsOpen], 1, 3);
        Assert.Equal(30, (await MailServers.ReadMailboxAsync(box, 30)).Count);
    }

    [Fact]
    public void Header_values_cannot_inject_headers_and_reserved_headers_are_not_overridden()
    {
        var envelope = Envelope("ann@example.com", new Dictionary<string, string>()) with
        {
            Subject = "Hi\r\nBcc: victim@example.com",
            FromName = "Support\r\nBcc: victim@example.com",
            ToName = "Ann\nX-Evil: 1",
            Headers = new Dictionary<string, string> { ["Message-ID"] = "<evil@x>", ["X-Note"] = "a\r\nBcc: victim@example.com" },
        };

        var message = OutboundMimeBuilder.Build(envelope, DateTimeOffset.UtcNow);

        Assert.Empty(message.Bcc);
        Assert.False(message.Headers.Contains(HeaderId.Bcc));
        Assert.Equal($"{envelope.IdempotencyKey}@acme.test", message.MessageId);
        Assert.DoesNotContain('\n', message.Headers["X-Note"]!);
        // Display names are one line too: MimeKit would encode the break, but a name carrying a header is still wrong.
        Assert.Equal("Support Bcc: victim@example.com", message.From.Mailboxes.Single().Name);
        Assert.Equal("Ann X-Evil: 1", message.To.Mailboxes.Single().Name);
    }

    [Fact]
    public void Idempotency_keys_that_are_not_valid_in_a_Message_ID_are_hashed_stably()
    {
        var a = OutboundMimeBuilder.MessageIdFor("campaign 7 / contact <9>", "Acme.test");
        var b = OutboundMimeBuilder.MessageIdFor("campaign 7 / contact <9>", "acme.test");

        Assert.Equal(a, b);
        Assert.EndsWith("@acme.test", a, StringComparison.Ordinal);
        Assert.DoesNotContain(' ', a);
    }
}
