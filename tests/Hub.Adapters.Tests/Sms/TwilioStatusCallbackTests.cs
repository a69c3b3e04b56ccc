using System.Collections.Concurrent;
using System.Net;
using Hub.Adapters.Sms;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Adapters.Tests.Sms;

/// <summary>
/// Status callbacks as Twilio sends them: the fake posts signed forms to the <c>StatusCallback</c> the sender passed; a
/// receiver checks them with <see cref="TwilioSignature"/> and reads them with <see cref="TwilioWebhookForm"/>.
/// </summary>
[Collection(FakeTwilioCollection.Name)]
public sealed class TwilioStatusCallbackTests(FakeTwilio twilio) : IAsyncLifetime
{
    private readonly ConcurrentQueue<DeliveryStatusUpdate> _updates = new();
    private readonly ConcurrentQueue<string> _refused = new();
    private WebApplication? _receiver;
    private Uri _callback = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        _receiver.MapPost("/webhooks/twilio/{channelId}/status", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            var pairs = form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? string.Empty))).ToList();
            var url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.Path}{http.Request.QueryString}";
            if (!TwilioSignature.IsValid(FakeTwilio.AuthToken, url, pairs, http.Request.Headers[TwilioSignature.Header]))
            {
                _refused.Enqueue(url);
                return Results.StatusCode(403);
            }

            _updates.Enqueue(TwilioWebhookForm.ToStatusUpdate(form.ToDictionary(f => f.Key, f => f.Value.ToString()), Guid.Empty, DateTimeOffset.UtcNow)!);
            return Results.NoContent();
        });
        await _receiver.StartAsync();
        var address = _receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _callback = new Uri($"{address}/webhooks/twilio/{Guid.NewGuid()}/status?attempt=1");
    }

    public async Task DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }

    private async Task<List<DeliveryStatusUpdate>> UpdatesForAsync(string sid, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var found = _updates.Where(u => u.ProviderMessageId == sid).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"Only {_updates.Count(u => u.ProviderMessageId == sid)} of {count} callbacks for {sid} arrived; refused: {string.Join(", ", _refused)}");
    }

    [Fact]
    public async Task Signed_callbacks_move_a_sent_message_to_delivered()
    {
        var sender = TwilioSenderTests.Services(twilio.BaseUrl).GetServices<IChannelSender>().Single();

        var result = await sender.SendAsync(TwilioSenderTests.Envelope("+14155550101", statusCallback: _callback), CancellationToken.None);

        var updates = await UpdatesForAsync(result.ProviderMessageId!, 2);
        Assert.Equal([MessageStatus.Sent, MessageStatus.Delivered], updates.Select(u => u.Status));
        Assert.All(updates, u => Assert.Null(u.Error));
        Assert.Empty(_refused);
    }

    [Fact]
    public async Task An_undelivered_callback_fails_the_message_with_the_carrier_reason()
    {
        var sender = TwilioSenderTests.Services(twilio.BaseUrl).GetServices<IChannelSender>().Single();

        var result = await sender.SendAsync(TwilioSenderTests.Envelope(FakeTwilio.Unreachable, statusCallback: _callback), CancellationToken.None);

        var updates = await UpdatesForAsync(result.ProviderMessageId!, 2);
        var last = updates[^1];
        Assert.Equal(MessageStatus.Failed, last.Status);
        Assert.Equal("30003: Unreachable destination handset", last.Error);
        Assert.False(last.SuppressAddress);
    }

    [Fact]
    public async Task A_callback_signed_with_another_token_is_refused()
    {
        using var http = new HttpClient();
        var form = new Dictionary<string, string> { ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"), ["MessageStatus"] = "delivered" };
        using var request = new HttpRequestMessage(HttpMethod.Post, _callback) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignature.Header, FakeTwilio.Sign("someone-elses-token", _callback.AbsoluteUri, form));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(_updates, u => u.ProviderMessageId == form["MessageSid"]);
    }
}
