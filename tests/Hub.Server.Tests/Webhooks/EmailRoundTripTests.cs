using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Server.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace Hub.Server.Tests.Webhooks;

/// <summary>
/// A test that needs the SMTP and IMAP servers of <c>scripts/lib/mail.sh</c> (<c>HUB_TEST_SMTP</c>, <c>HUB_TEST_IMAP</c>);
/// skipped loudly without them, except under CI, where it runs and fails.
/// </summary>
public sealed class MailServerFactAttribute : FactAttribute
{
    public MailServerFactAttribute()
    {
        if (TestMail.Smtp is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "SKIPPED: no mail servers (set HUB_TEST_SMTP and HUB_TEST_IMAP, or `source scripts/lib/mail.sh && start_mail`).";
        }
    }
}

/// <summary>The test mail servers: any user logs in with the password and reads the mail sent to that local part.</summary>
public static class TestMail
{
    public static (string Host, int Port)? Smtp => Endpoint("HUB_TEST_SMTP", 12525);

    public static (string Host, int Port)? Imap => Endpoint("HUB_TEST_IMAP", 11143);

    public static string Password => Environment.GetEnvironmentVariable("HUB_TEST_MAIL_PASSWORD") is { Length: > 0 } p ? p : "hub";

    private static (string Host, int Port)? Endpoint(string variable, int ciPort)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(value))
        {
            return Environment.GetEnvironmentVariable("CI") == "true" ? ("127.0.0.1", ciPort) : null;
        }

        var colon = value.LastIndexOf(':');
        return (value[..colon], int.Parse(value[(colon + 1)..], CultureInfo.InvariantCulture));
    }

    public static async Task SendAsync(MimeMessage message)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(Smtp!.Value.Host, Smtp.Value.Port, SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }

    public static async Task<MimeMessage?> WaitForMailAsync(string user, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            using var client = new ImapClient();
            await client.ConnectAsync(Imap!.Value.Host, Imap.Value.Port, SecureSocketOptions.None);
            await client.AuthenticateAsync(user, Password);
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var uids = await client.Inbox.SearchAsync(SearchQuery.All);
            if (uids.Count > 0)
            {
                return await client.Inbox.GetMessageAsync(uids[0]);
            }

            await Task.Delay(200);
        }

        return null;
    }
}

/// <summary>Hub with the email channel reading mailboxes over IMAP quickly and delivering through the real outbox.</summary>
public sealed class EmailRoundTripApp : EmailWebhookApp
{
    public EmailRoundTripApp()
    {
        Settings["Email:ImapEnabled"] = "true";
        Settings["Email:ChannelRefreshInterval"] = "00:00:00.300";
        Settings["Email:PollInterval"] = "00:00:00.300";
        Settings["Delivery:PollInterval"] = "00:00:00.200";
    }

    protected override bool Recording => false;
}

/// <summary>
/// The whole email path through the real inbox and outbox: a customer's mail arrives over IMAP and opens a
/// conversation, the agent's reply goes out over SMTP threaded onto it, and a bounce moves its status.
/// </summary>
public sealed class EmailRoundTripTests(EmailRoundTripApp app) : IClassFixture<EmailRoundTripApp>
{
    private static async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement?>> probe, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Timed out waiting for {what}.");
    }

    [MailServerFact]
    public async Task Customer_mail_opens_a_conversation_the_reply_goes_out_threaded_and_a_bounce_marks_it()
    {
        var support = $"sup{Guid.NewGuid():N}"[..20];
        var customer = $"cus{Guid.NewGuid():N}"[..20];
        var admin = await app.SignedInAsync();
        var settings = new Dictionary<string, string>
        {
            ["smtp_host"] = TestMail.Smtp!.Value.Host,
            ["smtp_port"] = TestMail.Smtp.Value.Port.ToString(CultureInfo.InvariantCulture),
            ["smtp_security"] = "none",
            ["imap_host"] = TestMail.Imap!.Value.Host,
            ["imap_port"] = TestMail.Imap.Value.Port.ToString(CultureInfo.InvariantCulture),
            ["imap_security"] = "none",
            ["imap_username"] = support,
            ["imap_password"] = TestMail.Password,
        };
        var created = await admin.PostAsJsonAsync("/api/v1/channels", new { name = "Support mailbox", type = "email", provider = "smtp", address = $"{support}@acme.test", settings });
        created.EnsureSuccessStatusCode();

        var question = new MimeMessage { Subject = $"Broken kettle {support}", MessageId = $"{Guid.NewGuid():N}@example.com" };
        question.From.Add(new MailboxAddress("Cat Customer", $"{customer}@example.com"));
        question.To.Add(MailboxAddress.Parse($"{support}@acme.test"));
        question.Body = new TextPart("plain") { Text = "My kettle stopped working." };
        await TestMail.SendAsync(question);

        var conversation = await EventuallyAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations?limit=100");
            return page.GetProperty("items").EnumerateArray()
                .Where(c => c.GetProperty("subject").GetString() == question.Subject).Select(c => (JsonElement?)c).FirstOrDefault();
        }, "the conversation opened by the customer's mail");
        var conversationId = conversation.GetProperty("id").GetGuid();

        var reply = await admin.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { content = "Sorry! A new one is on its way.", html = "<p>Sorry! A new one is on its way.</p>" });
        reply.EnsureSuccessStatusCode();
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var received = await TestMail.WaitForMailAsync(customer, TimeSpan.FromSeconds(20));
        Assert.NotNull(received);
        Assert.Equal(question.MessageId, received.InReplyTo);
        Assert.Contains(question.MessageId, received.References);
        Assert.Equal($"{support}@acme.test", received.From.Mailboxes.Single().Address);
        Assert.Contains("A new one is on its way.", received.TextBody, StringComparison.Ordinal);
        Assert.Contains("<p>Sorry! A new one is on its way.</p>", received.HtmlBody, StringComparison.Ordinal);

        var sent = await EventuallyAsync(async () =>
        {
            var m = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/messages/{replyId}");
            return m.GetProperty("status").GetString() == "sent" ? (JsonElement?)m : null;
        }, "the reply to be marked sent");
        Assert.Equal(received.MessageId, sent.GetProperty("external_id").GetString());

        // The customer's server later gives up on it: the bounce arrives in the support mailbox.
        var bounce = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"""
            From: MAILER-DAEMON@mx.example.com
            To: {support}@acme.test
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <{Guid.NewGuid():N}@mx.example.com>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: text/plain

            Delivery failed.
            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.com

            Final-Recipient: rfc822; {customer}@example.com
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 User unknown
            --B
            Content-Type: text/rfc822-headers

            Message-ID: <{received.MessageId}>

            --B--
            """.ReplaceLineEndings("\r\n"))));
        await TestMail.SendAsync(bounce);

        var bounced = await EventuallyAsync(async () =>
        {
            var m = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/messages/{replyId}");
            return m.GetProperty("status").GetString() == "bounced" ? (JsonElement?)m : null;
        }, "the reply to be marked bounced");
        Assert.Contains("5.1.1", bounced.GetProperty("failure_reason").GetString(), StringComparison.Ordinal);
    }
}
