using System.Security.Cryptography;
using System.Text.Json;
using Hub.Core.Channels;
using Microsoft.AspNetCore.DataProtection;

namespace Hub.Server.Infrastructure;

/// <summary>
/// Keeps the secret settings of channels (keys ending in <c>secret</c>, <c>password</c>, <c>token</c>, <c>key</c>:
/// <see cref="ChannelSettings.IsSecret"/>) encrypted at rest with ASP.NET Core Data Protection, whose key ring lives
/// in the database, so every node on the same database reads what any node wrote. A stored secret is the string
/// <c>enc:v1:&lt;protected JSON value&gt;</c>; a value without that prefix is an older plain one, read as it is and
/// encrypted on the channel's next save. Writers call <see cref="Seal"/>, readers call <see cref="Reveal"/>.
/// </summary>
public sealed partial class ChannelSecrets(IDataProtectionProvider provider, ILogger<ChannelSecrets> logger)
{
    /// <summary>The Data Protection purpose: a different purpose can't read these values.</summary>
    public const string Purpose = "Hub.ChannelSecrets.v1";

    /// <summary>What an encrypted value starts with.</summary>
    public const string Prefix = "enc:v1:";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    /// <summary>True when <paramref name="value"/> is an encrypted envelope.</summary>
    public static bool IsSealed(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString()!.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// The settings to store: every secret value that is not yet an envelope is encrypted (its JSON, so a number
    /// or an object stays what it was); other values and existing envelopes are kept as they are.
    /// </summary>
    public Dictionary<string, JsonElement> Seal(IReadOnlyDictionary<string, JsonElement> settings) => Seal(settings, keepEnvelopes: true);

    /// <summary>
    /// Values written by a caller (an API request): secrets are encrypted even when they already look like an
    /// envelope, so nobody can plant a ciphertext copied from elsewhere.
    /// </summary>
    public Dictionary<string, JsonElement> SealIncoming(IReadOnlyDictionary<string, JsonElement> settings) => Seal(settings, keepEnvelopes: false);

    private Dictionary<string, JsonElement> Seal(IReadOnlyDictionary<string, JsonElement> settings, bool keepEnvelopes)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var sealedSettings = new Dictionary<string, JsonElement>(settings.Count);
        foreach (var (key, value) in settings)
        {
            sealedSettings[key] = ChannelSettings.IsSecret(key) && value.ValueKind != JsonValueKind.Null && !(keepEnvelopes && IsSealed(value))
                ? JsonSerializer.SerializeToElement(Prefix + _protector.Protect(value.GetRawText()))
                : value;
        }

        return sealedSettings;
    }

    /// <summary>
    /// The settings as adapters need them, secrets decrypted. A secret this node can't decrypt (the key ring lost or
    /// the value altered) is left out, with a warning naming the channel and key (never the value), so the adapter
    /// reports it missing instead of using ciphertext as a password.
    /// </summary>
    public Dictionary<string, JsonElement> Reveal(Channel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var plain = new Dictionary<string, JsonElement>(channel.Settings.Count);
        foreach (var (key, value) in channel.Settings)
        {
            if (!IsSealed(value))
            {
                plain[key] = value;
                continue;
            }

            try
            {
                plain[key] = JsonDocument.Parse(_protector.Unprotect(value.GetString()![Prefix.Length..])).RootElement.Clone();
            }
            catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
            {
                LogUnreadable(logger, channel.Id, key, ex.GetType().Name);
            }
        }

        return plain;
    }

    /// <summary>A copy of <paramref name="channel"/> whose settings are decrypted (for code that reads a whole channel).</summary>
    public Channel Revealed(Channel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return new Channel
        {
            Id = channel.Id,
            WorkspaceId = channel.WorkspaceId,
            Name = channel.Name,
            Type = channel.Type,
            Provider = channel.Provider,
            Address = channel.Address,
            Settings = Reveal(channel),
            RateLimitPerSecond = channel.RateLimitPerSecond,
            IsActive = channel.IsActive,
            Health = channel.Health,
            LastCheckedAt = channel.LastCheckedAt,
            CreatedAt = channel.CreatedAt,
            UpdatedAt = channel.UpdatedAt,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {ChannelId}: secret setting {Key} can't be decrypted with this node's key ring ({Error}); it is treated as missing")]
    private static partial void LogUnreadable(ILogger logger, Guid channelId, string key, string error);
}
