using Hub.Adapters.Sms;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Adapters.Tests.Sms;

/// <summary><see cref="TwilioSender"/> as an <see cref="IDeliveryLookup"/>: asking Twilio's message list whether a message was created.</summary>
[Collection(FakeTwilioCollection.Name)]
public sealed class TwilioLookupTests(FakeTwilio twilio)
{
    private IChannelSender Sender() =>
        TwilioSenderTests.Services(twilio.BaseUrl).GetServices<IChannelSender>().Single(s => s.Provider == "twilio");

    private static string NewNumber() => "+1415" + Random.Shared.Next(1000000, 9999999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_message_Twilio_created_is_found_by_recipient_sender_and_body_with_its_sid()
    {
        var sender = Sender();
        var to = NewNumber();
        var since = DateTimeOffset.UtcNow.AddSeconds(-2);
        var sent = await sender.SendAsync(TwilioSenderTests.Envelope(to, "Your table is ready."), default);
        await sender.SendAsync(TwilioSenderTests.Envelope(to, "Something else."), default);

        var found = await ((IDeliveryLookup)sender).LookupAsync(TwilioSenderTests.Envelope(to, "Your table is ready."), since, default);

        Assert.True(found.Answered);
        Assert.Equal([sent.ProviderMessageId!], found.ProviderMessageIds);
        var query = twilio.Requests.Last(r => r.ContentType.StartsWith("GET ", StringComparison.Ordinal)).ContentType;
        Assert.Contains($"To={Uri.EscapeDataString(to)}", query, StringComparison.Ordinal);
        Assert.Contains("From=", query, StringComparison.Ordinal);
        Assert.Contains("PageSize=50", query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_never_created_or_created_before_the_attempt_is_not_found()
    {
        var sender = Sender();
        var to = NewNumber();
        await sender.SendAsync(TwilioSenderTests.Envelope(to, "Old news."), default);
        var lookup = (IDeliveryLookup)sender;

        var other = await lookup.LookupAsync(TwilioSenderTests.Envelope(to, "Never sent."), DateTimeOffset.UtcNow.AddMinutes(-1), default);
        var older = await lookup.LookupAsync(TwilioSenderTests.Envelope(to, "Old news."), DateTimeOffset.UtcNow.AddMinutes(1), default);

        Assert.True(other.Answered);
        Assert.Empty(other.ProviderMessageIds);
        Assert.True(older.Answered);
        Assert.Empty(older.ProviderMessageIds);
    }

    [Fact]
    public async Task A_WhatsApp_message_is_looked_up_under_its_whatsapp_address()
    {
        var sender = Sender();
        var to = NewNumber();
        var envelope = TwilioSenderTests.Envelope(to, "Your order shipped.", ChannelType.WhatsApp);
        var sent = await sender.SendAsync(envelope, default);

        var found = await ((IDeliveryLookup)sender).LookupAsync(envelope, DateTimeOffset.UtcNow.AddSeconds(-5), default);

        Assert.Equal([sent.ProviderMessageId!], found.ProviderMessageIds);
    }

    [Fact]
    public async Task When_Twilio_fails_to_answer_the_lookup_is_unknown_not_not_found()
    {
        var sender = Sender();
        twilio.Overrides.Enqueue(http => FakeTwilio.ErrorAsync(http, 503, 20500, "Service unavailable"));

        var answer = await ((IDeliveryLookup)sender).LookupAsync(TwilioSenderTests.Envelope(NewNumber()), DateTimeOffset.UtcNow.AddMinutes(-1), default);

        Assert.False(answer.Answered);
        Assert.Contains("20500", answer.Error, StringComparison.Ordinal);
    }
}
