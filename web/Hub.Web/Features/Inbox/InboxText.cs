using Hub.Core.Channels;
using Hub.Core.Inbox;
using MudBlazor;

namespace Hub.Web.Features.Inbox;

/// <summary>How the inbox writes channels, statuses, times and confidences.</summary>
public static class InboxText
{
    public static string Channel(ChannelType channel) => channel switch
    {
        ChannelType.Email => "Email",
        ChannelType.Sms => "SMS",
        ChannelType.WhatsApp => "WhatsApp",
        ChannelType.Chat => "Web chat",
        _ => channel.ToString(),
    };

    public static string ChannelIcon(ChannelType channel) => channel switch
    {
        ChannelType.Email => Icons.Material.Filled.Email,
        ChannelType.Sms => Icons.Material.Filled.Sms,
        ChannelType.WhatsApp => Icons.Custom.Brands.WhatsApp,
        ChannelType.Chat => Icons.Material.Filled.Chat,
        _ => Icons.Material.Filled.Notifications,
    };

    public static Color StatusColor(ConversationStatus status) => status switch
    {
        ConversationStatus.Open => Color.Primary,
        ConversationStatus.Pending => Color.Warning,
        ConversationStatus.Snoozed => Color.Info,
        _ => Color.Success,
    };

    public static Color SentimentColor(string? label) => label switch
    {
        "negative" => Color.Error,
        "positive" => Color.Success,
        _ => Color.Default,
    };

    public static string Percent(double? confidence) => confidence is { } c ? $" {c:P0}" : "";

    /// <summary>"now", "5m", "3h", "2d" since a moment.</summary>
    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        return span < TimeSpan.FromMinutes(1) ? "now"
            : span < TimeSpan.FromHours(1) ? $"{(int)span.TotalMinutes}m"
            : span < TimeSpan.FromDays(1) ? $"{(int)span.TotalHours}h"
            : $"{(int)span.TotalDays}d";
    }

    /// <summary>Time left on an SLA ("1h 20m left"), or how late it is ("overdue 5m").</summary>
    public static string Countdown(TimeSpan left)
    {
        var abs = left.Duration();
        var text = abs >= TimeSpan.FromDays(1) ? $"{(int)abs.TotalDays}d {abs.Hours}h"
            : abs >= TimeSpan.FromHours(1) ? $"{(int)abs.TotalHours}h {abs.Minutes}m"
            : $"{Math.Max(abs.Minutes, 0)}m";
        return left < TimeSpan.Zero ? $"overdue {text}" : $"{text} left";
    }
}
