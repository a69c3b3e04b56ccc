using Hub.Adapters.Sms;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Adapters.Tests.Sms;

public sealed class TwilioOptionsTests
{
    [Fact]
    public void The_channel_registers_a_twilio_sender_for_sms_and_whatsapp_with_defaults()
    {
        using var services = TwilioSenderTests.Services(new Uri("https://api.twilio.com"), new() { ["Twilio:MaxSegments"] = null, ["Twilio:RequestTimeout"] = null });

        var sender = Assert.Single(services.GetServices<IChannelSender>());
        var options = services.GetRequiredService<IOptions<TwilioOptions>>().Value;

        Assert.Equal("twilio", sender.Provider);
        Assert.Equal([ChannelType.Sms, ChannelType.WhatsApp], sender.Channels);
        Assert.Equal(new Uri("https://api.twilio.com"), options.BaseUrl);
        Assert.Equal(10, options.MaxSegments);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestTimeout);
        Assert.Null(options.PublicBaseUrl);
    }

    [Theory]
    [InlineData("Twilio:MaxSegments", "0")]
    [InlineData("Twilio:RequestTimeout", "00:00:00")]
    public void Invalid_settings_are_refused(string key, string value)
    {
        using var services = TwilioSenderTests.Services(new Uri("https://api.twilio.com"), new() { [key] = value });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TwilioOptions>>().Value);
    }
}

public sealed class TwilioOptionsBindingTests
{
    [Fact]
    public void An_empty_public_base_url_as_in_the_settings_template_means_none()
    {
        using var services = TwilioSenderTests.Services(new Uri("https://api.twilio.com"), new() { ["Twilio:PublicBaseUrl"] = string.Empty });

        Assert.Null(services.GetRequiredService<IOptions<TwilioOptions>>().Value.PublicBaseUrl);
    }

    [Theory]
    [InlineData("Twilio:PublicBaseUrl", "hub.example.com/support")]
    [InlineData("Twilio:PublicBaseUrl", "ftp://hub.example.com")]
    [InlineData("Twilio:BaseUrl", "/relative")]
    public void Urls_must_be_absolute_http(string key, string value)
    {
        using var services = TwilioSenderTests.Services(new Uri("https://api.twilio.com"), new() { [key] = value });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TwilioOptions>>().Value);
    }
}
