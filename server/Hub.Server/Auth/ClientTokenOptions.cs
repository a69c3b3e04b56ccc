namespace Hub.Server.Auth;

/// <summary>
/// End-user client tokens' lifetimes. Bound from the <c>Realtime</c> section (where they have always been configured),
/// read by the end-user sign-in and the endpoints that mint tokens.
/// </summary>
public sealed class ClientTokenOptions
{
    public const string Section = "Realtime";

    /// <summary>End-user tokens that live longer than this are refused (keep them short).</summary>
    public TimeSpan MaxClientTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Lifetime of tokens minted by <c>POST /api/v1/client-tokens</c> when none is asked for.</summary>
    public TimeSpan DefaultClientTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
