using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Web.Services;

namespace Hub.Web.Features.Inbox;

/// <summary>A conversation as <c>GET /api/v1/conversations</c> lists it.</summary>
public sealed record ConversationItem(
    Guid Id, Guid ContactId, string? ContactName, Guid? ChannelId, ChannelType Channel, ConversationStatus Status, Priority Priority,
    Guid? AssigneeId, string? Team, string? Subject, IReadOnlyList<string> Labels, int MessageCount, int UnreadCount,
    DateTimeOffset? LastMessageAt, DateTimeOffset? FirstResponseAt, DateTimeOffset? ResolvedAt, DateTimeOffset? SnoozedUntil,
    DateTimeOffset? FirstResponseDueAt, DateTimeOffset? ResolutionDueAt, DateTimeOffset? SlaBreachedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The SLA target that runs now (first response until answered, then resolution), or null.</summary>
    public (string Target, DateTimeOffset DueAt)? SlaDue => Status == ConversationStatus.Resolved
        ? null
        : FirstResponseAt is null && FirstResponseDueAt is { } first ? ("first response", first)
        : ResolutionDueAt is { } resolution ? ("resolution", resolution)
        : null;

    /// <summary>This conversation with the live state a <c>conversation.updated</c> carries.</summary>
    public ConversationItem With(ConversationPayload p) => this with
    {
        Status = p.Status, Priority = p.Priority, AssigneeId = p.AssigneeId, Team = p.Team, Subject = p.Subject, Labels = p.Labels,
        MessageCount = p.MessageCount, LastMessageAt = p.LastMessageAt ?? LastMessageAt, UpdatedAt = p.UpdatedAt,
    };
}

/// <summary>A message as <c>GET /api/v1/conversations/{id}/messages</c> lists it (or as <c>message.received</c> pushes it).</summary>
public sealed record MessageItem(
    Guid Id, Guid ConversationId, ChannelType Channel, MessageDirection Direction, MessageStatus Status, SenderType SenderType,
    string? SenderId, string? Address, string? Subject, string Text, string? Html, IReadOnlyList<Attachment> Attachments,
    double? SentimentScore, string? SentimentLabel, string? Intent, double? IntentConfidence, string? FailureReason,
    DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, DateTimeOffset? ReadAt)
{
    public static MessageItem From(MessagePayload p) => new(
        p.Id, p.ConversationId, p.Channel, p.Direction, p.Status, p.SenderType, p.SenderId, null, null, p.Text, p.Html, p.Attachments,
        p.SentimentScore, p.SentimentLabel, p.Intent, p.IntentConfidence, null, p.CreatedAt, p.DeliveredAt, p.ReadAt);

    /// <summary>This message with a pushed update (status, receipts, corrected labels), keeping what the push leaves out.</summary>
    public MessageItem With(MessagePayload p) => From(p) with { Address = Address, Subject = Subject, FailureReason = FailureReason };
}

/// <summary>A member of the workspace (for names of assignees, typists and note authors).</summary>
public sealed record MemberItem(Guid Id, string DisplayName);

/// <summary>A saved reply.</summary>
public sealed record CannedItem(Guid Id, string ShortCode, string Content);

/// <summary>A saved reply filled in for a conversation.</summary>
public sealed record RenderedCanned(string ShortCode, string Content);

/// <summary>A user's notification preferences (<c>GET /api/v1/users/{id}/preferences</c>).</summary>
public sealed record PreferencesView(string UserId, PreferencesBodyView Preferences, string? Timezone);

/// <summary>The preferences themselves.</summary>
public sealed record PreferencesBodyView(
    bool EmailEnabled, bool SmsEnabled, bool PushEnabled, bool WhatsappEnabled, Dictionary<string, bool>? Categories, QuietHoursView? QuietHours);

/// <summary>Quiet hours.</summary>
public sealed record QuietHoursView(bool Enabled, string? Start, string? End);

/// <summary>A user's decision history (<c>GET /api/v1/audit/{id}</c>).</summary>
public sealed record AuditView(string UserId, IReadOnlyList<DecisionView> Decisions, string? NextCursor);

/// <summary>One decision of the rule engine about the user.</summary>
public sealed record DecisionView(Guid Id, string EventType, string? MatchedRule, string? Channel, string Outcome, string Reason, DateTimeOffset DecisionTimestamp);

/// <summary>The body of a reply or note.</summary>
public sealed record ReplyBody(string Content, bool? Private, ChannelType? Channel);

/// <summary>An agent's correction of a message's labels.</summary>
public sealed record CorrectionBody(string? SentimentLabel, string? Intent);

/// <summary>Wire names of enum values as the API writes them (snake_case).</summary>
public static class WireName
{
    public static string Of<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value, ApiJson.Options).Trim('"');
}

/// <summary><c>POST /api/v1/conversations/{id}/assign</c>.</summary>
public sealed record AssignBody(Guid AssigneeId);

/// <summary><c>PATCH /api/v1/conversations/{id}</c> with a new status.</summary>
public sealed record StatusBody(ConversationStatus Status);
