using Hub.Adapters.Tests.Sms;

namespace Hub.Server.Tests.Infrastructure;

/// <summary>Hub with the real outbox and Twilio adapter, pointed at the local Twilio stand-in (<see cref="FakeTwilio"/>).</summary>
public class FakeTwilioApp : HubApp
{
    public FakeTwilio Twilio { get; } = new();

    public override async Task InitializeAsync()
    {
        await Twilio.InitializeAsync();
        Settings["Twilio:BaseUrl"] = Twilio.BaseUrl.AbsoluteUri;
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}
