using Hub.Server.Auth.Api;
using System.Threading.RateLimiting;
using Hub.Core.Members;
using Hub.Core.Workspaces;
using Hub.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Hub.Server.Auth;

/// <summary>Sign-in for members (cookie, JWT), API keys, roles and the workspace of each request.</summary>
public static class AuthExtensions
{
    /// <summary>Rate-limit policy for anonymous sign-in and sign-up endpoints.</summary>
    public const string SignInRateLimit = "sign-in";

    /// <summary>Rate-limit policy for minting end-user tokens (per workspace).</summary>
    public const string ClientTokenRateLimit = "client-tokens";

    public static IHostApplicationBuilder AddHubAuth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpContextAccessor();
        services.AddScoped<ScopedWorkspaceContext>();
        services.AddScoped<IWorkspaceContext>(sp => sp.GetRequiredService<ScopedWorkspaceContext>());
        services.AddSingleton<SigningKeyProvider>();
        services.AddSingleton<MemberTokenIssuer>();
        services.AddScoped<WorkspaceProvisioner>();
        services.AddSingleton<UnknownEmailLockout>();

        services.AddIdentityCore<Member>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.ClaimsIdentity.UserIdClaimType = HubClaims.Subject;
                o.ClaimsIdentity.RoleClaimType = HubClaims.Role;
                o.ClaimsIdentity.UserNameClaimType = HubClaims.Email;
                o.ClaimsIdentity.EmailClaimType = HubClaims.Email;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<HubDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<MemberClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();
        services.AddOptions<IdentityOptions>().Configure<IOptions<AuthOptions>>((identity, auth) =>
        {
            identity.Lockout.MaxFailedAccessAttempts = auth.Value.MaxFailedAccessAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = auth.Value.LockoutDuration;
        });

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = HubSchemes.Default;
                o.DefaultChallengeScheme = HubSchemes.Default;
            })
            .AddPolicyScheme(HubSchemes.Default, "Cookie, member JWT or API key", o => o.ForwardDefaultSelector = SelectScheme)
            .AddJwtBearer(HubSchemes.MemberJwt, o =>
            {
                o.MapInboundClaims = false;
                o.Events = new JwtBearerEvents
                {
                    // Browsers can't set headers on WebSocket upgrades: hubs take the token from the query.
                    OnMessageReceived = ctx =>
                    {
                        if (ctx.HttpContext.Request.Path.StartsWithSegments("/hubs")
                            && ctx.Request.Query.TryGetValue("access_token", out var token))
                        {
                            ctx.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(HubSchemes.ApiKey, null)
            .AddIdentityCookies();
        services.AddOptions<JwtBearerOptions>(HubSchemes.MemberJwt)
            .Configure<SigningKeyProvider, IOptions<AuthOptions>>((o, keys, auth) =>
            {
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = MemberTokenIssuer.Audience,
                    IssuerSigningKey = keys.Key,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = HubClaims.Name,
                    RoleClaimType = HubClaims.Role,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "hub.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/login";
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            // APIs and hubs answer 401/403; only pages redirect to the sign-in page.
            o.Events.OnRedirectToLogin = ctx => Answer(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => Answer(ctx, StatusCodes.Status403Forbidden);
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(HubPolicies.Admin, p => p.RequireAuthenticatedUser().RequireClaim(HubClaims.WorkspaceId).RequireRole(MemberRole.Admin))
            .AddPolicy(HubPolicies.Inbox, p => p.RequireAuthenticatedUser().RequireClaim(HubClaims.WorkspaceId).RequireRole(MemberRole.Admin, MemberRole.Agent))
            .AddPolicy(HubPolicies.Marketing, p => p.RequireAuthenticatedUser().RequireClaim(HubClaims.WorkspaceId).RequireRole(MemberRole.Admin, MemberRole.Marketer))
            .AddPolicy(HubPolicies.Member, p => p.RequireClaim(HubClaims.WorkspaceId).RequireRole(MemberRole.All))
            .AddPolicy(HubPolicies.EndUser, p => p.AddAuthenticationSchemes(HubSchemes.EndUser).RequireRole(EndUserAuthenticationHandler.EndUserRole));
        // End users (the chat widget, customers' apps) sign in with a token their backend or the widget API minted.
        services.AddOptions<ClientTokenOptions>().BindConfiguration(ClientTokenOptions.Section);
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, EndUserAuthenticationHandler>(HubSchemes.EndUser, null);

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RateLimitRejection.WriteAsync;
            o.AddPolicy(SignInRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
                ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = ctx.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.SignInRateLimitPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                }));
            o.AddPolicy(ClientTokenRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
                ctx.User.FindFirst(HubClaims.WorkspaceId)?.Value ?? ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = ctx.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.ClientTokenRateLimitPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                }));
        });
        return builder;
    }

    private static string SelectScheme(HttpContext context)
    {
        // End users' tokens are not members' tokens: trying them as one fails (and logs IDX10517) on every widget connect.
        if (context.Request.Path.StartsWithSegments("/hubs/client"))
        {
            return HubSchemes.EndUser;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            || (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query.ContainsKey("access_token")))
        {
            return HubSchemes.MemberJwt;
        }

        return ApiKeyAuthenticationHandler.ReadKey(context.Request) is not null
            ? HubSchemes.ApiKey
            : IdentityConstants.ApplicationScheme;
    }

    private static Task Answer(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/hubs")
            || ctx.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Sign-in, the workspace, members, API keys and end-user client tokens.</summary>
    public static IEndpointRouteBuilder MapHubAuth(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapAuthApi();
        app.MapWorkspacesApi();
        app.MapMembersApi();
        app.MapApiKeysApi();
        app.MapClientTokensApi();
        return app;
    }
}
