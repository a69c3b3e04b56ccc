using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Hub.Core.Contacts;
using Hub.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hub.Server.Auth;

/// <summary>
/// Authenticates end users on <c>/hubs/client</c> with a JWT (HS256) that the customer's backend signs
/// with its workspace's client-token secret: <c>sub</c> = the user's id in the customer's system,
/// <c>wid</c> = the workspace id, a short <c>exp</c>, and optionally <c>chid</c> = the chat channel the user writes
/// on (the widget's tokens carry it). The contact is found by that id, or created.
/// </summary>
internal sealed class EndUserAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    HubDbContext db,
    IOptions<ClientTokenOptions> realtime,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The audience end-user tokens may carry; member tokens carry another, so they never pass here.</summary>
    public const string Audience = "hub-client";

    public const string WorkspaceClaim = "wid";

    /// <summary>The chat channel (one site's widget) the user's new conversations are filed under.</summary>
    public const string ChannelClaim = "chid";

    public const string ContactIdClaim = "contact_id";
    public const string EndUserRole = "end_user";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Request.Query.TryGetValue("access_token", out var fromQuery) ? fromQuery.ToString()
            : Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim()
            : null;
        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(token))
        {
            return AuthenticateResult.Fail("Malformed token.");
        }

        var unverified = handler.ReadJsonWebToken(token);
        if (!unverified.TryGetPayloadValue<string>(WorkspaceClaim, out var wid) || !Guid.TryParse(wid, out var workspaceId))
        {
            return AuthenticateResult.Fail("The token has no wid (workspace id) claim.");
        }

        var secret = await db.Workspaces.AsNoTracking().Where(w => w.Id == workspaceId)
            .Select(w => w.ClientTokenSecret).FirstOrDefaultAsync(Context.RequestAborted);
        if (secret is null)
        {
            return AuthenticateResult.Fail("Unknown workspace.");
        }

        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = unverified.Audiences.Any(),
            ValidAudience = Audience,
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        });
        if (!result.IsValid)
        {
            return AuthenticateResult.Fail("Invalid or expired token.");
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        if (jwt.ValidTo - clock.GetUtcNow().UtcDateTime > realtime.Value.MaxClientTokenLifetime + TimeSpan.FromMinutes(1))
        {
            return AuthenticateResult.Fail("The token lives too long; mint short-lived tokens.");
        }

        var userId = jwt.Subject;
        if (string.IsNullOrWhiteSpace(userId) || userId.Length > 200)
        {
            return AuthenticateResult.Fail("The token has no usable sub (user id).");
        }

        Guid? channelId = null;
        if (jwt.TryGetPayloadValue<string>(ChannelClaim, out var chid))
        {
            // Signed, but still checked: a conversation is only ever filed under an active chat channel of the workspace.
            if (!Guid.TryParse(chid, out var parsed) || !await db.Channels.IgnoreQueryFilters().AsNoTracking().AnyAsync(
                    c => c.Id == parsed && c.WorkspaceId == workspaceId && c.Type == Core.Channels.ChannelType.Chat && c.IsActive, Context.RequestAborted))
            {
                return AuthenticateResult.Fail("The token's chid is not an active chat channel of the workspace.");
            }

            channelId = parsed;
        }

        var contactId = await FindOrCreateContactAsync(workspaceId, userId);
        var identity = new ClaimsIdentity(
            [
                .. channelId is { } channel ? [new Claim(ChannelClaim, channel.ToString())] : Array.Empty<Claim>(),
                new Claim(HubClaims.Subject, userId),
                new Claim(HubClaims.Name, userId),
                new Claim(HubClaims.WorkspaceId, workspaceId.ToString()),
                new Claim(ContactIdClaim, contactId.ToString()),
                new Claim(HubClaims.Role, EndUserRole),
                new Claim(HubClaims.AuthMethod, "client_token"),
            ],
            Scheme.Name, HubClaims.Name, HubClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    private async Task<Guid> FindOrCreateContactAsync(Guid workspaceId, string userId)
    {
        var existing = await db.Contacts.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.WorkspaceId == workspaceId && c.ExternalId == userId).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(Context.RequestAborted);
        if (existing is { } id)
        {
            return id;
        }

        // The customer's backend vouched for this user by signing the token: they become a contact.
        var now = clock.GetUtcNow();
        var contact = new Contact { WorkspaceId = workspaceId, ExternalId = userId, CreatedAt = now, UpdatedAt = now };
        db.Contacts.Add(contact);
        try
        {
            await db.SaveChangesAsync(Context.RequestAborted);
            return contact.Id;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return await db.Contacts.IgnoreQueryFilters().Where(c => c.WorkspaceId == workspaceId && c.ExternalId == userId)
                .Select(c => c.Id).FirstAsync(Context.RequestAborted);
        }
    }
}
