namespace Hub.Core.Channels;

/// <summary>Rules about channel settings.</summary>
public static class ChannelSettings
{
    public const int MaxSettings = 50;

    /// <summary>What the API shows instead of a secret value; sent back in an update, it keeps the stored secret.</summary>
    public const string Mask = "********";

    /// <summary>Settings whose key ends like this are write-only.</summary>
    public static bool IsSecret(string key) =>
        key.EndsWith("secret", StringComparison.OrdinalIgnoreCase) || key.EndsWith("password", StringComparison.OrdinalIgnoreCase)
        || key.EndsWith("token", StringComparison.OrdinalIgnoreCase) || key.EndsWith("key", StringComparison.OrdinalIgnoreCase);
}
