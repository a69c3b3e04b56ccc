using Hub.Adapters.Sms;

namespace Hub.Adapters.Tests.Sms;

public sealed class TwilioSignatureTests
{
    // The worked example in Twilio's "Webhooks security" documentation (auth token 12345).
    private const string DocsToken = "12345";
    private const string DocsUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string DocsSignature = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

    private static readonly KeyValuePair<string, string>[] DocsParams =
    [
        new("CallSid", "CA1234567890ABCDE"),
        new("Caller", "+12349013030"),
        new("Digits", "1234"),
        new("From", "+12349013030"),
        new("To", "+18005551212"),
    ];

    [Fact]
    public void Twilios_documented_example_computes_and_verifies()
    {
        Assert.Equal(DocsSignature, TwilioSignature.Compute(DocsToken, DocsUrl, DocsParams));
        Assert.True(TwilioSignature.IsValid(DocsToken, DocsUrl, DocsParams, DocsSignature));
    }

    [Fact]
    public void Parameter_order_does_not_matter()
    {
        Assert.True(TwilioSignature.IsValid(DocsToken, DocsUrl, DocsParams.Reverse(), DocsSignature));
    }

    [Fact]
    public void Anything_changed_fails()
    {
        var tampered = DocsParams.Select(p => p.Key == "Digits" ? new KeyValuePair<string, string>("Digits", "9999") : p).ToList();

        Assert.False(TwilioSignature.IsValid(DocsToken, DocsUrl, tampered, DocsSignature));
        Assert.False(TwilioSignature.IsValid(DocsToken, DocsUrl, DocsParams.Append(new("Extra", "1")), DocsSignature));
        Assert.False(TwilioSignature.IsValid(DocsToken, "https://mycompany.com/myapp.php?foo=1&bar=3", DocsParams, DocsSignature));
        Assert.False(TwilioSignature.IsValid(DocsToken, "http://mycompany.com/myapp.php?foo=1&bar=2", DocsParams, DocsSignature));
        Assert.False(TwilioSignature.IsValid("54321", DocsUrl, DocsParams, DocsSignature));
        Assert.False(TwilioSignature.IsValid(DocsToken, DocsUrl, DocsParams, DocsSignature[..^1]));
        Assert.False(TwilioSignature.IsValid(DocsToken, DocsUrl, DocsParams, null));
        Assert.False(TwilioSignature.IsValid(DocsToken, DocsUrl, DocsParams, string.Empty));
        Assert.False(TwilioSignature.IsValid(string.Empty, DocsUrl, DocsParams, DocsSignature));
    }

    [Fact]
    public void The_default_port_may_be_spelled_out_or_left_out()
    {
        var withPort = TwilioSignature.Compute(DocsToken, "https://mycompany.com:443/myapp.php?foo=1&bar=2", DocsParams);

        Assert.True(TwilioSignature.IsValid(DocsToken, DocsUrl, DocsParams, withPort));
        Assert.True(TwilioSignature.IsValid(DocsToken, "https://mycompany.com:443/myapp.php?foo=1&bar=2", DocsParams, DocsSignature));
        Assert.False(TwilioSignature.IsValid(DocsToken, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", DocsParams, DocsSignature));
    }

    [Fact]
    public void The_adapter_and_the_fake_twilio_sign_alike()
    {
        var form = new Dictionary<string, string> { ["Body"] = "Grüße 😀 & more", ["From"] = "whatsapp:+14155550100", ["MediaUrl0"] = "https://api.twilio.com/x" };

        Assert.Equal(FakeTwilio.Sign("tok", "https://hub.example.com/webhooks/twilio/x/inbound", form),
            TwilioSignature.Compute("tok", "https://hub.example.com/webhooks/twilio/x/inbound", form));
    }
}
