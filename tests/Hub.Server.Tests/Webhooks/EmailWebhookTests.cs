using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Adapters.Email;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Modules.Channels.Email;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hub.Server.Tests.Webhooks;

/// <summary>
/// Hub with the email channel as Program.cs wires it (<c>AddEmail</c> / <c>MapEmailWebhooks</c>), configured here only
/// through settings, and, when <see cref="Recording"/>, an inbox that records instead of storing.
/// </summary>
public class EmailWebhookApp : HubApp
{
    public const int Limit = 256 * 1024;

    public EmailWebhookApp()
    {
        Settings["Email:MaxInboundMessageBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Email:ImapEnabled"] = "false";
    }

    protected virtual bool Recording => true;

    public ConcurrentQueue<InboundMessage> Inbound { get; } = new();

    public ConcurrentQueue<DeliveryStatusUpdate> Statuses { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            if (Recording)
            {
                services.RemoveAll<IInboundProcessor>();
                services.RemoveAll<IDeliveryStatusSink>();
                services.AddSingleton<IInboundProcessor>(new RecordingInbox(Inbound));
                services.AddSingleton<IDeliveryStatusSink>(new RecordingSink(Statuses));
            }
        });
    }

    /// <summary>Creates an email channel in the admin's workspace and returns its id.</summary>
    public async Task<Guid> CreateChannelAsync(string? secret)
    {
        var admin = await SignedInAsync();
        var settings = new Dictionary<string, object> { ["from"] = "support@acme.test" };
        if (secret is not null)
        {
            settings[EmailWebhooks.SecretSetting] = secret;
        }

        var response = await admin.PostAsJsonAsync("/api/v1/channels", new { name = $"Mail {Guid.NewGuid():N}", type = "email", provider = "smtp", address = "support@acme.test", settings });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("id").GetGuid();
    }

    private sealed class RecordingInbox(ConcurrentQueue<InboundMessage> received) : IInboundProcessor
    {
        public Task<InboundResult> ReceiveAsync(InboundMessage message, InboundStep? inTransaction, CancellationToken cancellationToken)
        {
            received.Enqueue(message);
            return Task.FromResult(new InboundResult(Guid.NewGuid(), Guid.NewGuid(), true, false));
        }
    }

    private sealed class RecordingSink(ConcurrentQueue<DeliveryStatusUpdate> updates) : IDeliveryStatusSink
    {
        public Task<bool> ApplyAsync(DeliveryStatusUpdate update, CancellationToken cancellationToken)
        {
            updates.Enqueue(update);
            return Task.FromResult(true);
        }
    }
}

/// <summary>The same host with the real inbox behind the webhook.</summary>
public sealed class EmailWebhookInboxApp : EmailWebhookApp
{
    protected override bool Recording => false;
}

public sealed class EmailWebhookTests(EmailWebhookApp app) : IClassFixture<EmailWebhookApp>
{
    private static string Mail(string messageId, string subject = "Where is my parcel?", string? inReplyTo = null, string body = "It never arrived.") =>
        $"""
        From: Ann Customer <ann@example.com>
        To: support@acme.test
        Subject: {subject}
        Message-ID: <{messageId}>
        {(inReplyTo is null ? string.Empty : $"In-Reply-To: <{inReplyTo}>\nReferences: <{inReplyTo}>")}
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        {body}
        """.Replace("\n\nMIME", "\nMIME", StringComparison.Ordinal).ReplaceLineEndings("\r\n");

    private static HttpContent Raw(string mime, string contentType = "message/rfc822")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(mime));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Raw_mime_with_the_header_secret_reaches_the_inbox_with_its_threading_headers()
    {
        var channel = await app.CreateChannelAsync("s3cret-mail");
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Add(EmailWebhooks.SecretHeader, "s3cret-mail");
        var id = $"{Guid.NewGuid():N}@mail.example.com";

        var response = await client.PostAsync($"/webhooks/email/{channel}/inbound",
            Raw(Mail(id, "Re: Your order", inReplyTo: "outbox-1@acme.test", body: "Still waiting.\n\nOn Mon, Support <support@acme.test> wrote:\n> shipped")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("message", body.GetProperty("kind").GetString());
        var inbound = Assert.Single(app.Inbound, m => m.ExternalId == id);
        Assert.Equal(channel, inbound.ChannelId);
        Assert.Equal("ann@example.com", inbound.From);
        Assert.Equal("outbox-1@acme.test", inbound.InReplyTo);
        Assert.Equal(["outbox-1@acme.test"], inbound.References);
        Assert.Equal("Still waiting.", inbound.Text);
        Assert.NotEqual(Guid.Empty, inbound.WorkspaceId);
    }

    [Fact]
    public async Task The_secret_may_come_in_the_query_string()
    {
        var channel = await app.CreateChannelAsync("query-secret");
        var id = $"{Guid.NewGuid():N}@mail.example.com";

        var response = await app.Anonymous().PostAsync($"/webhooks/email/{channel}/inbound?secret=query-secret", Raw(Mail(id)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(app.Inbound, m => m.ExternalId == id);
    }

    [Fact]
    public async Task No_secret_is_401_and_a_wrong_one_is_403_and_nothing_is_stored()
    {
        var channel = await app.CreateChannelAsync("right");
        var id = $"{Guid.NewGuid():N}@mail.example.com";

        var none = await app.Anonymous().PostAsync($"/webhooks/email/{channel}/inbound", Raw(Mail(id)));
        var wrong = await app.Anonymous().PostAsync($"/webhooks/email/{channel}/inbound?secret=wrong", Raw(Mail(id)));
        var prefix = await app.Anonymous().PostAsync($"/webhooks/email/{channel}/inbound?secret=righ", Raw(Mail(id)));

        await AssertProblemAsync(none, HttpStatusCode.Unauthorized);
        await AssertProblemAsync(wrong, HttpStatusCode.Forbidden);
        await AssertProblemAsync(prefix, HttpStatusCode.Forbidden);
        Assert.DoesNotContain(app.Inbound, m => m.ExternalId == id);
    }

    [Fact]
    public async Task A_channel_without_a_webhook_secret_and_an_unknown_channel_refuse_every_secret()
    {
        var channel = await app.CreateChannelAsync(secret: null);

        var unconfigured = await app.Anonymous().PostAsync($"/webhooks/email/{channel}/inbound?secret=anything", Raw(Mail("a@b")));
        var unknown = await app.Anonymous().PostAsync($"/webhooks/email/{Guid.NewGuid()}/inbound?secret=anything", Raw(Mail("a@b")));

        await AssertProblemAsync(unconfigured, HttpStatusCode.Forbidden);
        await AssertProblemAsync(unknown, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_413()
    {
        var channel = await app.CreateChannelAsync("big");
        var huge = Mail($"{Guid.NewGuid():N}@x", body: new string('x', EmailWebhookApp.Limit + 10));

        var declared = await app.Anonymous().PostAsync($"/webhooks/email/{channel}/inbound?secret=big", Raw(huge));
        // Chunked, with no Content-Length: the limit holds while reading.
        var streamed = await app.Anonymous().PostAsync($"/webhooks/email/{channel}/inbound?secret=big",
            new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge))) { Headers = { ContentType = new MediaTypeHeaderValue("message/rfc822") } });

        await AssertProblemAsync(declared, HttpStatusCode.RequestEntityTooLarge);
        await AssertProblemAsync(streamed, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task An_empty_body_or_a_json_body_is_refused()
    {
        var channel = await app.CreateChannelAsync("shape");

        var empty = await app.Anonymous().PostAsync($"/webhooks/email/{channel}/inbound?secret=shape", Raw(string.Empty));
        var json = await app.Anonymous().PostAsync($"/webhooks/email/{channel}/inbound?secret=shape", Raw("{}", "application/json"));

        await AssertProblemAsync(empty, HttpStatusCode.BadRequest);
        await AssertProblemAsync(json, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_bounce_goes_to_the_status_sink_as_a_hard_bounce_of_the_original_message()
    {
        var channel = await app.CreateChannelAsync("dsn");
        var dsn = """
            From: MAILER-DAEMON@mx.example.com
            To: support@acme.test
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: text/plain

            Your message could not be delivered.
            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.com

            Final-Recipient: rfc822; gone@example.com
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 User unknown
            --B
            Content-Type: text/rfc822-headers

            From: support@acme.test
            To: gone@example.com
            Message-ID: <outbox-77@acme.test>
            Subject: Your order

            --B--
            """.ReplaceLineEndings("\r\n");

        var response = await app.Anonymous().PostAsync($"/webhooks/email/{channel}/inbound?secret=dsn", Raw(dsn));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("bounce", body.GetProperty("kind").GetString());
        var update = Assert.Single(app.Statuses, u => u.ProviderMessageId == "outbox-77@acme.test");
        Assert.Equal(MessageStatus.Bounced, update.Status);
        Assert.True(update.SuppressAddress);
    }
}

/// <summary>Through the real inbox: a reply threads into the conversation of the message it answers, a re-post is a duplicate.</summary>
public sealed class EmailWebhookInboxTests(EmailWebhookInboxApp app) : IClassFixture<EmailWebhookInboxApp>
{
    [Fact]
    public async Task A_reply_threads_by_In_Reply_To_and_a_redelivery_is_a_duplicate()
    {
        var channel = await app.CreateChannelAsync("inbox");
        var first = $"{Guid.NewGuid():N}@mail.example.com";
        var reply = $"{Guid.NewGuid():N}@mail.example.com";
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Add(EmailWebhooks.SecretHeader, "inbox");

        async Task<JsonElement> PostAsync(string raw)
        {
            var response = await client.PostAsync($"/webhooks/email/{channel}/inbound",
                new ByteArrayContent(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"))) { Headers = { ContentType = new MediaTypeHeaderValue("message/rfc822") } });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var a = await PostAsync($"From: Bob <bob@example.com>\nTo: support@acme.test\nSubject: Broken lamp\nMessage-ID: <{first}>\n\nThe lamp is broken.\n");
        var b = await PostAsync($"From: Bob <bob@example.com>\nTo: support@acme.test\nSubject: Something else entirely\nMessage-ID: <{reply}>\nIn-Reply-To: <{first}>\nReferences: <{first}>\n\nAny news?\n");
        var again = await PostAsync($"From: Bob <bob@example.com>\nTo: support@acme.test\nSubject: Something else entirely\nMessage-ID: <{reply}>\nIn-Reply-To: <{first}>\n\nAny news?\n");

        Assert.Equal(a.GetProperty("conversation_id").GetGuid(), b.GetProperty("conversation_id").GetGuid());
        Assert.False(b.GetProperty("duplicate").GetBoolean());
        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Equal(b.GetProperty("message_id").GetGuid(), again.GetProperty("message_id").GetGuid());
    }
}
