using System.Text.Json;
using Hub.Core.Workspaces;

namespace Hub.Core.Channels;

/// <summary>
/// A configured inbox entry point: a mailbox, a Twilio number, a WhatsApp sender or a web chat widget.
/// Provider credentials live in <see cref="Settings"/>; secret values are never returned by the API.
/// </summary>
public sealed class Channel : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string Name { get; set; }

    public ChannelType Type { get; set; }

    /// <summary>Who carries the messages: <c>smtp</c>, <c>twilio</c>, <c>webchat</c>, <c>dev-sink</c>…</summary>
    public required string Provider { get; set; }

    /// <summary>The channel's own address: a sender email, a phone number, a widget id.</summary>
    public string? Address { get; set; }

    /// <summary>
    /// Provider settings (host, port, account SID…). Keys ending in <c>secret</c>, <c>password</c>, <c>token</c> or <c>key</c>
    /// are write-only in the API and stored encrypted (<c>enc:v1:…</c>): read them through the server's <c>ChannelSecrets.Reveal</c>.
    /// </summary>
    public Dictionary<string, JsonElement> Settings { get; set; } = [];

    /// <summary>Messages per second the provider allows on this channel (0 = no limit).</summary>
    public int RateLimitPerSecond { get; set; }

    public bool IsActive { get; set; } = true;

    public ChannelHealth Health { get; set; } = ChannelHealth.Unknown;

    public DateTimeOffset? LastCheckedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The result of the last health check of a channel.</summary>
public enum ChannelHealth
{
    Unknown,
    Healthy,
    Degraded,
    Down,
}
