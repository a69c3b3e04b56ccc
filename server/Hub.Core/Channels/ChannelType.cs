namespace Hub.Core.Channels;

/// <summary>The kinds of channel a conversation or a campaign message travels on.</summary>
public enum ChannelType
{
    Email,
    Sms,
    WhatsApp,
    Chat,
    Push,
}
