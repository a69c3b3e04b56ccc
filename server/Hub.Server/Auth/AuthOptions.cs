using System.ComponentModel.DataAnnotations;

namespace Hub.Server.Auth;

/// <summary>Sign-in settings. Bound from the <c>Auth</c> section.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// Key that signs members' JWTs (at least 32 characters). When empty, Hub generates one and keeps it
    /// in <see cref="SigningKeyPath"/>; set it explicitly when several nodes run side by side.
    /// </summary>
    public string? JwtSigningKey { get; set; }

    /// <summary>Where a generated signing key is kept (relative to the content root).</summary>
    [Required]
    public string SigningKeyPath { get; set; } = "App_Data/jwt-signing.key";

    [Required]
    public string Issuer { get; set; } = "hub";

    /// <summary>Lifetime of a member JWT.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Let anyone create a new workspace with <c>POST /api/v1/workspaces</c> (off by default).</summary>
    public bool AllowSignup { get; set; }

    /// <summary>Failed sign-ins before a member is locked out for <see cref="LockoutDuration"/>.</summary>
    [Range(1, 100)]
    public int MaxFailedAccessAttempts { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Anonymous sign-in and sign-up requests allowed per client IP per minute.</summary>
    [Range(1, 1_000_000)]
    public int SignInRateLimitPerMinute { get; set; } = 30;

    /// <summary>End-user tokens <c>POST /api/v1/client-tokens</c> mints per workspace per minute.</summary>
    [Range(1, 1_000_000)]
    public int ClientTokenRateLimitPerMinute { get; set; } = 600;
}

/// <summary>The first workspace and admin, created on first start. Bound from the <c>Bootstrap</c> section.</summary>
public sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";

    [Required]
    public string WorkspaceName { get; set; } = "My workspace";

    [Required, EmailAddress]
    public string AdminEmail { get; set; } = "admin@hub.local";

    /// <summary>The first admin's password. When empty, one is generated and written to the log once.</summary>
    public string? AdminPassword { get; set; }
}
