using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Adapters.Sms;
using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Modules.Channels.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Hub.Server.Tests.Webhooks;

/// <summary>
/// Twilio's webhooks against the real inbox and status sink, on the shared Hub's database, through the wiring Program.cs
/// ships (<c>AddTwilio()</c> / <c>MapTwilioWebhooks()</c>): the derived hosts here differ from the fixture only in
/// configuration (<c>Twilio:PublicBaseUrl</c>) and in running no background workers.
/// </summary>
[Collection(HubCollection.Name)]
public sealed class TwilioWebhookTests(HubApp app)
{
    private const string ProxyBase = "https://hub.example.com/support/";
    private static readonly ConditionalWeakTable<HubApp, Hosts> Cache = [];

    private sealed record Hosts(WebApplicationFactory<Program> Direct, WebApplicationFactory<Program> Proxied);

    private Hosts For() => Cache.GetValue(app, a => new Hosts(
        Derive(a, publicBaseUrl: null),
        Derive(a, publicBaseUrl: ProxyBase)));

    private static WebApplicationFactory<Program> Derive(HubApp parent, string? publicBaseUrl, Action<IServiceCollection>? extra = null) => parent.WithWebHostBuilder(b =>
    {
        if (publicBaseUrl is not null)
        {
            b.UseSetting("Twilio:PublicBaseUrl", publicBaseUrl);
        }

        b.ConfigureTestServices(services =>
        {
            // These hosts share the fixture's database and only answer webhooks: their own delivery workers and
            // scheduled jobs would compete with the fixture's and disturb the other tests of the collection.
            services.RemoveAll<IHostedService>();
            extra?.Invoke(services);
        });
    });

    private static string NewNumber() => "+1415" + RandomNumberGenerator.GetInt32(1000000, 9999999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string NewSid(string prefix = "SM") => prefix + Guid.NewGuid().ToString("N");

    /// <summary>A Twilio channel in the fixture's workspace; returns its id and auth token.</summary>
    private async Task<(Guid Id, string AuthToken, string Number)> CreateChannelAsync(string type = "sms")
    {
        var admin = await app.SignedInAsync();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var number = NewNumber();
        var response = await admin.PostAsJsonAsync("/api/v1/channels", new
        {
            name = $"Twilio {Guid.NewGuid():N}",
            type,
            provider = "twilio",
            address = number,
            settings = new Dictionary<string, string> { ["account_sid"] = "AC" + Guid.NewGuid().ToString("N"), ["auth_token"] = token, ["from"] = number },
        });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetGuid(), token, number);
    }

    /// <summary>Posts a form the way Twilio does, signed over <paramref name="signedUrl"/> with <paramref name="token"/> (null: no header).</summary>
    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, Dictionary<string, string> form, string? token, string? signedUrl = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (token is not null)
        {
            var url = signedUrl ?? new Uri(client.BaseAddress!, path).AbsoluteUri;
            request.Headers.Add(TwilioSignature.Header, Sign(token, url, form));
        }

        request.Headers.Add("I-Twilio-Idempotency-Token", Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }

    // Twilio's scheme, written out here rather than borrowed from the code under test.
    private static string Sign(string token, string url, Dictionary<string, string> form)
    {
        var data = url + string.Concat(form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(data)));
    }

    private static Dictionary<string, string> Inbound(string from, string to, string body, string? sid = null) => new()
    {
        ["ToCountry"] = "US",
        ["SmsMessageSid"] = sid ??= NewSid(),
        ["NumMedia"] = "0",
        ["SmsSid"] = sid,
        ["SmsStatus"] = "received",
        ["Body"] = body,
        ["To"] = to,
        ["NumSegments"] = "1",
        ["MessageSid"] = sid,
        ["AccountSid"] = "AC" + new string('0', 32),
        ["From"] = from,
        ["ApiVersion"] = "2010-04-01",
    };

    private async Task<List<JsonElement>> MessagesAsync(Guid channelId)
    {
        var admin = await app.SignedInAsync();
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/messages?channel_id={channelId}&limit=100");
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.Forbidden)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_signed_inbound_sms_reaches_the_inbox_once_and_gets_empty_twiml()
    {
        var (channelId, token, number) = await CreateChannelAsync();
        var client = For().Direct.CreateClient();
        var customer = NewNumber();
        var form = Inbound(customer, number, "My parcel never arrived");

        var response = await PostAsync(client, $"/webhooks/twilio/{channelId}/inbound", form, token);
        var again = await PostAsync(client, $"/webhooks/twilio/{channelId}/inbound", form, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("<Response/>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var message = Assert.Single(await MessagesAsync(channelId));
        Assert.Equal("My parcel never arrived", message.GetProperty("text").GetString());
        Assert.Equal("inbound", message.GetProperty("direction").GetString());
        Assert.Equal("sms", message.GetProperty("channel").GetString());
        Assert.Equal(customer, message.GetProperty("address").GetString());
        Assert.Equal(form["MessageSid"], message.GetProperty("external_id").GetString());
    }

    [Fact]
    public async Task An_over_long_recipient_cut_inside_an_emoji_is_stored_and_threads_instead_of_failing()
    {
        // Found by the webhook fuzzer on PostgreSQL: cutting To at its 320-character column split an emoji, and the
        // lone half (which UTF-8 cannot encode) made every query with the thread key throw → 500, message lost.
        var (channelId, token, _) = await CreateChannelAsync();
        var client = For().Direct.CreateClient();
        var customer = NewNumber();
        var to = new string('9', 319) + "\U0001F600" + "tail";

        var first = await PostAsync(client, $"/webhooks/twilio/{channelId}/inbound", Inbound(customer, to, "first \U0001F600"), token);
        var second = await PostAsync(client, $"/webhooks/twilio/{channelId}/inbound", Inbound(customer, to, "second"), token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var messages = await MessagesAsync(channelId);
        Assert.Equal(["first \U0001F600", "second"], messages.Select(m => m.GetProperty("text").GetString()).Order(StringComparer.Ordinal));
        Assert.Single(messages.Select(m => m.GetProperty("conversation_id").GetGuid()).Distinct());
    }

    [Fact]
    public async Task A_sender_longer_than_a_phone_number_is_stored_as_the_contacts_identity_not_refused_with_a_500()
    {
        // Found by the webhook fuzzer on PostgreSQL: a 40-character From went into the contact's 32-character phone column.
        var (channelId, token, number) = await CreateChannelAsync();
        var client = For().Direct.CreateClient();
        var sender = "+1" + string.Concat(Enumerable.Repeat(Random.Shared.Next(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture), 5))[..38];

        var first = await PostAsync(client, $"/webhooks/twilio/{channelId}/inbound", Inbound(sender, number, "one"), token);
        var second = await PostAsync(client, $"/webhooks/twilio/{channelId}/inbound", Inbound(sender, number, "two"), token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var messages = await MessagesAsync(channelId);
        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal(sender, m.GetProperty("address").GetString()));
        Assert.Single(messages.Select(m => m.GetProperty("conversation_id").GetGuid()).Distinct()); // one contact, found again by its identity
    }

    [Fact]
    public async Task A_whatsapp_message_with_media_to_a_pooled_number_is_accepted()
    {
        var (channelId, token, _) = await CreateChannelAsync("whats_app");
        var client = For().Direct.CreateClient();
        // Sent to another number of the channel's Messaging Service pool, not the channel's own number.
        var form = Inbound("whatsapp:" + NewNumber(), "whatsapp:" + NewNumber(), "Photo of the damage");
        form["NumMedia"] = "1";
        form["MediaUrl0"] = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME1";
        form["MediaContentType0"] = "image/jpeg";
        form["MessagingServiceSid"] = NewSid("MG");
        form["ProfileName"] = "Wanda";

        var response = await PostAsync(client, $"/webhooks/twilio/{channelId}/inbound", form, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single(await MessagesAsync(channelId));
        Assert.Equal("whats_app", message.GetProperty("channel").GetString());
        var attachment = Assert.Single(message.GetProperty("attachments").EnumerateArray());
        Assert.Equal(form["MediaUrl0"], attachment.GetProperty("url").GetString());
        Assert.Equal("image/jpeg", attachment.GetProperty("content_type").GetString());
    }

    [Fact]
    public async Task A_forged_or_missing_signature_is_refused_with_403_and_nothing_is_stored()
    {
        var (channelId, token, number) = await CreateChannelAsync();
        var client = For().Direct.CreateClient();
        var path = $"/webhooks/twilio/{channelId}/inbound";
        var url = new Uri(client.BaseAddress!, path).AbsoluteUri;
        var form = Inbound(NewNumber(), number, "Send me your password");

        await AssertRefusedAsync(await PostAsync(client, path, form, token: null));
        await AssertRefusedAsync(await PostAsync(client, path, form, token: "not-the-channels-token"));
        await AssertRefusedAsync(await PostAsync(client, path, form, token, signedUrl: url + "?x=1"));
        // A signature Twilio made for another body, replayed with a changed one.
        var tampered = new Dictionary<string, string>(form) { ["Body"] = "Changed" };
        using (var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(tampered) })
        {
            request.Headers.Add(TwilioSignature.Header, Sign(token, url, form));
            await AssertRefusedAsync(await client.SendAsync(request));
        }

        await AssertRefusedAsync(await PostAsync(client, $"/webhooks/twilio/{channelId}/status",
            new Dictionary<string, string> { ["MessageSid"] = NewSid(), ["MessageStatus"] = "delivered" }, "not-the-channels-token"));
        Assert.Empty(await MessagesAsync(channelId));
        Assert.Contains(app.Logs, l => l.Contains($"Refused a Twilio webhook for channel {channelId}", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs, l => l.Contains(token, StringComparison.Ordinal) || l.Contains("Send me your password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_channel_is_404()
    {
        var client = For().Direct.CreateClient();
        var path = $"/webhooks/twilio/{Guid.NewGuid()}/inbound";

        await AssertRefusedAsync(await PostAsync(client, path, Inbound(NewNumber(), NewNumber(), "Hello"), "any-token"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Behind_a_proxy_the_signature_over_the_configured_public_url_is_accepted()
    {
        var (channelId, token, number) = await CreateChannelAsync();
        var client = For().Proxied.CreateClient();
        var path = $"/webhooks/twilio/{channelId}/inbound";
        var publicUrl = $"{ProxyBase}webhooks/twilio/{channelId}/inbound";

        // Signed over the URL Hub sees behind the proxy: not the URL Twilio called, so refused.
        await AssertRefusedAsync(await PostAsync(client, path, Inbound(NewNumber(), number, "Inside"), token));
        var accepted = await PostAsync(client, path, Inbound(NewNumber(), number, "Through the proxy"), token, signedUrl: publicUrl);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("Through the proxy", Assert.Single(await MessagesAsync(channelId)).GetProperty("text").GetString());
    }

    /// <summary>An outbound message as the outbox leaves it after Twilio accepted it: sent, with Twilio's sid.</summary>
    private async Task<Guid> SentMessageAsync(Guid channelId, string sid)
    {
        await using var scope = For().Direct.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var channel = await db.Channels.IgnoreQueryFilters().SingleAsync(c => c.Id == channelId);
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(channel.WorkspaceId);
        var contact = new Hub.Core.Contacts.Contact { Phone = NewNumber(), CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        db.Contacts.Add(contact);
        var conversation = new Conversation { ContactId = contact.Id, ChannelId = channelId, ChannelType = ChannelType.Sms, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        db.Conversations.Add(conversation);
        var message = new Message
        {
            ConversationId = conversation.Id,
            ChannelId = channelId,
            ChannelType = ChannelType.Sms,
            Direction = MessageDirection.Outbound,
            Status = MessageStatus.Sent,
            SenderType = SenderType.Member,
            Address = contact.Phone,
            Text = "Your replacement ships today.",
            ExternalId = sid,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            SentAt = DateTimeOffset.UtcNow,
        };
        db.Messages.Add(message);
        await db.SaveChangesAsync();
        return message.Id;
    }

    private static Dictionary<string, string> Status(string sid, string status, string? errorCode = null)
    {
        var form = new Dictionary<string, string>
        {
            ["AccountSid"] = "AC" + new string('0', 32),
            ["ApiVersion"] = "2010-04-01",
            ["From"] = "+15005550006",
            ["MessageSid"] = sid,
            ["MessageStatus"] = status,
            ["SmsSid"] = sid,
            ["SmsStatus"] = status,
            ["To"] = "+14155550100",
        };
        if (errorCode is not null)
        {
            form["ErrorCode"] = errorCode;
        }

        return form;
    }

    [Fact]
    public async Task A_signed_status_callback_reaches_the_status_sink_and_moves_the_message()
    {
        var (channelId, token, _) = await CreateChannelAsync();
        var client = For().Direct.CreateClient();
        var admin = await app.SignedInAsync();
        var deliveredSid = NewSid();
        var failedSid = NewSid();
        var delivered = await SentMessageAsync(channelId, deliveredSid);
        var failed = await SentMessageAsync(channelId, failedSid);
        var path = $"/webhooks/twilio/{channelId}/status";

        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(client, path, Status(deliveredSid, "delivered"), token)).StatusCode);
        // A late "sent" never undoes "delivered".
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(client, path, Status(deliveredSid, "sent"), token)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(client, path, Status(failedSid, "undelivered", "30003"), token)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(client, path, Status(NewSid(), "delivered"), token)).StatusCode);

        var one = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/messages/{delivered}");
        Assert.Equal("delivered", one.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, one.GetProperty("delivered_at").ValueKind);
        var two = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/messages/{failed}");
        Assert.Equal("failed", two.GetProperty("status").GetString());
        Assert.Equal("30003: Unreachable destination handset", two.GetProperty("failure_reason").GetString());
    }

    [Fact]
    public async Task An_unsubscribed_error_in_a_status_callback_suppresses_the_number()
    {
        var (channelId, token, _) = await CreateChannelAsync();
        var sid = NewSid();
        var messageId = await SentMessageAsync(channelId, sid);

        var response = await PostAsync(For().Direct.CreateClient(), $"/webhooks/twilio/{channelId}/status", Status(sid, "failed", "21610"), token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await using var scope = For().Direct.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var address = await db.Messages.IgnoreQueryFilters().Where(m => m.Id == messageId).Select(m => m.Address).SingleAsync();
        Assert.True(await db.Suppressions.IgnoreQueryFilters().AnyAsync(s => s.Address == address && s.Channel == ChannelType.Sms));
    }

    [Fact]
    public async Task Stop_suppresses_the_sender_and_start_lifts_it()
    {
        var (channelId, token, number) = await CreateChannelAsync();
        var client = For().Direct.CreateClient();
        var customer = NewNumber();
        var path = $"/webhooks/twilio/{channelId}/inbound";

        async Task<bool> SuppressedAsync()
        {
            await using var scope = For().Direct.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            return await db.Suppressions.IgnoreQueryFilters().AnyAsync(s => s.Address == customer && s.Channel == ChannelType.Sms);
        }

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, path, Inbound(customer, number, "Stop"), token)).StatusCode);
        Assert.True(await SuppressedAsync());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, path, Inbound(customer, number, "HELP"), token)).StatusCode);
        Assert.True(await SuppressedAsync());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, path, Inbound(customer, number, "START"), token)).StatusCode);
        Assert.False(await SuppressedAsync());
        // The keywords are still messages in the conversation, so agents see why the customer went quiet.
        Assert.Equal(3, (await MessagesAsync(channelId)).Count);
    }
    [Fact]
    public async Task A_stop_whose_suppression_fails_to_save_leaves_no_message_and_twilios_retry_saves_both()
    {
        var (channelId, token, number) = await CreateChannelAsync();
        var failure = new FirstSuppressionFails();
        await using var host = Derive(app, publicBaseUrl: null, services =>
        {
            services.ConfigureDbContext<Hub.Data.Sqlite.SqliteHubDbContext>(o => o.AddInterceptors(failure));
            services.ConfigureDbContext<Hub.Data.Postgres.PostgresHubDbContext>(o => o.AddInterceptors(failure));
        });
        var client = host.CreateClient();
        var customer = NewNumber();
        var stop = Inbound(customer, number, "STOP", NewSid());
        async Task<bool> SuppressedAsync()
        {
            await using var scope = host.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<HubDbContext>().Suppressions.IgnoreQueryFilters()
                .AnyAsync(s => s.Address == customer && s.Channel == ChannelType.Sms);
        }

        // The store fails while saving the opt-out: Twilio gets an error, and nothing of the STOP is kept half-done.
        try
        {
            Assert.False((await PostAsync(client, $"/webhooks/twilio/{channelId}/inbound", stop, token)).IsSuccessStatusCode);
        }
        catch (DbUpdateException)
        {
            // The test host hands the server's exception to the caller instead of a 500: Twilio would see an error either way.
        }

        Assert.DoesNotContain(await MessagesAsync(channelId), m => m.GetProperty("address").GetString() == customer);
        Assert.False(await SuppressedAsync());

        // Twilio retries the same message: now the STOP and the suppression are both there, once.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, $"/webhooks/twilio/{channelId}/inbound", stop, token)).StatusCode);
        Assert.Single(await MessagesAsync(channelId), m => m.GetProperty("address").GetString() == customer);
        Assert.True(await SuppressedAsync());
    }

    /// <summary>The store failing once, just when a suppression is being saved.</summary>
    private sealed class FirstSuppressionFails : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
    {
        private int _failed;

        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> SavingChangesAsync(
            Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            if (eventData.Context!.ChangeTracker.Entries<Hub.Core.Delivery.Suppression>().Any(e => e.State == EntityState.Added)
                && Interlocked.Exchange(ref _failed, 1) == 0)
            {
                throw new DbUpdateException("The store went away while saving the suppression.");
            }

            return base.SavingChangesAsync(eventData, result, cancellationToken);
        }
    }
}
