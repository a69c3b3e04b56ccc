using System.Text.Json;

namespace Hub.Web.Features.Settings;

/// <summary>A channel (<c>GET /api/v1/channels</c>); secret settings come masked (<see cref="ChannelForm.Mask"/>).</summary>
public sealed record ChannelDto(
    Guid Id, string Name, string Type, string Provider, string? Address, bool IsActive, string Health, DateTimeOffset? LastCheckedAt,
    IReadOnlyDictionary<string, JsonElement>? Settings = null, int RateLimitPerSecond = 0);

/// <summary>What <c>POST /api/v1/channels/{id}/test</c> answers.</summary>
public sealed record ChannelTestDto(Guid MessageId, Guid ConversationId, Guid ChannelId, string Provider, string To, string Status);

/// <summary>A message's delivery state (<c>GET /api/v1/messages/{id}</c>).</summary>
public sealed record MessageStatusDto(Guid Id, string Status, string? ExternalId, string? FailureReason);

/// <summary>What one mail server answered to <c>POST /api/v1/channels/{id}/check</c>.</summary>
public sealed record MailServerCheckDto(
    string Protocol, string Host, int Port, bool Ok, string? Greeting, bool Secure, bool Authenticated, string? Detail,
    IReadOnlyList<string> Transcript, long ElapsedMs);

/// <summary>The connection check of an email channel.</summary>
public sealed record ChannelCheckDto(Guid ChannelId, bool Ok, string Health, DateTimeOffset CheckedAt, IReadOnlyList<MailServerCheckDto> Servers);
