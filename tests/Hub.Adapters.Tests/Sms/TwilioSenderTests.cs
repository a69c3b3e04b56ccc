using System.Net;
using System.Text;
using Hub.Adapters.Sms;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Adapters.Tests.Sms;

/// <summary>The real <see cref="TwilioSender"/> and <see cref="TwilioClient"/> against <see cref="FakeTwilio"/>.</summary>
[Collection(FakeTwilioCollection.Name)]
public sealed class TwilioSenderTests(FakeTwilio twilio)
{
    private const string From = "+15005550006";

    internal static ServiceProvider Services(Uri baseUrl, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Twilio:BaseUrl"] = baseUrl.AbsoluteUri,
            ["Twilio:RequestTimeout"] = "00:00:02",
            ["Twilio:MaxSegments"] = "3",
        };
        foreach (var (key, value) in extra ?? [])
        {
            // null takes a setting out, so the option's default applies.
            if (value is null)
            {
                settings.Remove(key);
            }
            else
            {
                settings[key] = value;
            }
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTwilioChannel(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private IChannelSender Sender(Dictionary<string, string?>? extra = null) =>
        Services(twilio.BaseUrl, extra).GetServices<IChannelSender>().Single(s => s.Provider == "twilio");

    internal static OutboundEnvelope Envelope(string to, string text = "Your parcel ships today.", ChannelType channel = ChannelType.Sms,
        string from = From, Dictionary<string, string>? settings = null, Uri? statusCallback = null) => new()
    {
        MessageId = Guid.NewGuid(),
        WorkspaceId = Guid.NewGuid(),
        Channel = channel,
        Settings = settings ?? new Dictionary<string, string>
        {
            ["account_sid"] = FakeTwilio.AccountSid,
            ["auth_token"] = FakeTwilio.AuthToken,
            ["from"] = from,
        },
        From = from,
        To = to,
        Text = text,
        IdempotencyKey = Guid.NewGuid().ToString("N"),
        StatusCallback = statusCallback,
    };

    private static string NewNumber() => "+1415" + Random.Shared.Next(1000000, 9999999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Sms_is_posted_form_encoded_with_basic_auth_and_the_sid_comes_back()
    {
        var to = NewNumber();
        var callback = new Uri("https://hub.example.com/webhooks/twilio/0192f000-0000-7000-8000-000000000001/status");

        var result = await Sender().SendAsync(Envelope(to, statusCallback: callback), CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, result.Outcome);
        Assert.Matches("^SM[0-9a-f]{32}$", result.ProviderMessageId);
        var request = Assert.Single(twilio.To(to));
        Assert.Equal(FakeTwilio.AccountSid, request.AccountSid);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeTwilio.AccountSid}:{FakeTwilio.AuthToken}")), request.Authorization);
        Assert.Equal(From, request.Form["From"]);
        Assert.Equal("Your parcel ships today.", request.Form["Body"]);
        Assert.Equal(callback.AbsoluteUri, request.Form["StatusCallback"]);
        Assert.False(request.Form.ContainsKey("MessagingServiceSid"));
    }

    [Fact]
    public async Task WhatsApp_numbers_are_sent_with_the_whatsapp_prefix_once()
    {
        var to = NewNumber();

        var bare = await Sender().SendAsync(Envelope(to, channel: ChannelType.WhatsApp), CancellationToken.None);
        var prefixed = await Sender().SendAsync(Envelope("whatsapp:" + to, channel: ChannelType.WhatsApp, from: "whatsapp:" + From), CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, bare.Outcome);
        Assert.Equal(SendOutcome.Sent, prefixed.Outcome);
        var requests = twilio.To("whatsapp:" + to);
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal("whatsapp:" + From, r.Form["From"]));
        Assert.Empty(twilio.To(to));
    }

    [Fact]
    public async Task A_messaging_service_sends_instead_of_a_from_number()
    {
        var to = NewNumber();
        const string service = "MG0123456789abcdef0123456789abcdef";
        var settings = new Dictionary<string, string>
        {
            ["account_sid"] = FakeTwilio.AccountSid,
            ["auth_token"] = FakeTwilio.AuthToken,
            ["from"] = From,
            ["messaging_service_sid"] = service,
        };

        var viaSetting = await Sender().SendAsync(Envelope(to, settings: settings), CancellationToken.None);
        var viaFrom = await Sender().SendAsync(Envelope(to, from: service), CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, viaSetting.Outcome);
        Assert.Equal(SendOutcome.Sent, viaFrom.Outcome);
        Assert.All(twilio.To(to), r =>
        {
            Assert.Equal(service, r.Form["MessagingServiceSid"]);
            Assert.False(r.Form.ContainsKey("From"));
        });
    }

    [Fact]
    public async Task An_invalid_number_fails_permanently_with_twilios_code_and_message()
    {
        var result = await Sender().SendAsync(Envelope("+1-not-a-number"), CancellationToken.None);

        Assert.Equal(SendOutcome.PermanentFailure, result.Outcome);
        Assert.StartsWith("21211: The 'To' number +1-not-a-number is not a valid phone number.", result.Error, StringComparison.Ordinal);
        Assert.Null(result.RetryAfter);
    }

    [Fact]
    public async Task An_unsubscribed_recipient_fails_permanently_with_21610()
    {
        var result = await Sender().SendAsync(Envelope(FakeTwilio.Unsubscribed), CancellationToken.None);

        Assert.Equal(SendOutcome.PermanentFailure, result.Outcome);
        Assert.StartsWith("21610: ", result.Error, StringComparison.Ordinal);
        Assert.True(TwilioStatus.SuppressesAddress(21610));
    }

    [Fact]
    public async Task Wrong_credentials_fail_permanently()
    {
        var settings = new Dictionary<string, string> { ["account_sid"] = FakeTwilio.AccountSid, ["auth_token"] = "wrong", ["from"] = From };

        var result = await Sender().SendAsync(Envelope(NewNumber(), settings: settings), CancellationToken.None);

        Assert.Equal(SendOutcome.PermanentFailure, result.Outcome);
        Assert.StartsWith("20003: Authenticate", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_requests_is_transient_and_carries_retry_after()
    {
        twilio.Overrides.Enqueue(http =>
        {
            http.Response.Headers.RetryAfter = "7";
            return FakeTwilio.ErrorAsync(http, 429, 20429, "Too Many Requests");
        });

        var result = await Sender().SendAsync(Envelope(NewNumber()), CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.StartsWith("20429: Too Many Requests", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task Server_errors_are_transient(int status)
    {
        twilio.Overrides.Enqueue(http =>
        {
            // A gateway in front of Twilio may answer with HTML rather than a Twilio error body.
            http.Response.StatusCode = status;
            http.Response.ContentType = "text/html";
            return http.Response.WriteAsync("<html><body>Service Unavailable</body></html>");
        });

        var result = await Sender().SendAsync(Envelope(NewNumber()), CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.Contains($"HTTP {status}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_answer_times_out_in_doubt_because_twilio_may_have_created_the_message()
    {
        twilio.Overrides.Enqueue(async http =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });

        var result = await Sender(new() { ["Twilio:RequestTimeout"] = "00:00:01" }).SendAsync(Envelope(NewNumber()), CancellationToken.None);

        Assert.Equal(SendOutcome.InDoubt, result.Outcome);
        Assert.Contains("did not answer within 1 s", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_dropped_after_the_request_went_out_is_in_doubt_not_a_plain_retry()
    {
        twilio.Overrides.Enqueue(http =>
        {
            http.Abort();
            return Task.CompletedTask;
        });

        var result = await Sender().SendAsync(Envelope(NewNumber()), CancellationToken.None);

        Assert.Equal(SendOutcome.InDoubt, result.Outcome);
        Assert.Contains("may have been created", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_api_is_transient()
    {
        // A port that was just free: nothing listens there.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var sender = Services(new Uri($"http://127.0.0.1:{port}")).GetServices<IChannelSender>().Single();

        var result = await sender.SendAsync(Envelope(NewNumber()), CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.StartsWith("Twilio could not be reached", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_sms_over_the_segment_limit_fails_before_anything_is_sent()
    {
        var to = NewNumber();
        // 270 UTF-16 units in 5 UCS-2 parts (the limit is 3 here): the emoji force UCS-2.
        var text = string.Concat(Enumerable.Repeat("Hi 😀 ", 45));

        var result = await Sender().SendAsync(Envelope(to, text), CancellationToken.None);

        Assert.Equal(SendOutcome.PermanentFailure, result.Outcome);
        Assert.Equal("The message needs 5 Ucs2 segments; at most 3 are allowed.", result.Error);
        Assert.Empty(twilio.To(to));
    }

    [Fact]
    public async Task A_channel_without_credentials_fails_permanently_without_calling_twilio()
    {
        var to = NewNumber();
        var result = await Sender().SendAsync(Envelope(to, settings: new Dictionary<string, string> { ["from"] = From }), CancellationToken.None);

        Assert.Equal(SendOutcome.PermanentFailure, result.Outcome);
        Assert.Empty(twilio.To(to));
    }

    [Fact]
    public async Task The_status_callback_url_is_built_from_the_public_base_url_and_the_channel()
    {
        var to = NewNumber();
        var channelId = Guid.NewGuid();
        var settings = new Dictionary<string, string>
        {
            ["account_sid"] = FakeTwilio.AccountSid,
            ["auth_token"] = FakeTwilio.AuthToken,
            ["channel_id"] = channelId.ToString(),
        };

        var result = await Sender(new() { ["Twilio:PublicBaseUrl"] = "https://hub.example.com/hub/" })
            .SendAsync(Envelope(to, settings: settings), CancellationToken.None);

        Assert.Equal(SendOutcome.Sent, result.Outcome);
        Assert.Equal($"https://hub.example.com/hub/webhooks/twilio/{channelId}/status", Assert.Single(twilio.To(to)).Form["StatusCallback"]);
    }
}
