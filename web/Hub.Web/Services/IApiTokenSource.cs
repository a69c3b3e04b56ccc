namespace Hub.Web.Services;

/// <summary>
/// A member JWT for the signed-in member of the current circuit. The dashboard calls Hub's own REST API and
/// <c>/hubs/agent</c> with it, so every screen sees exactly what the member's role allows through the API.
/// The host (Hub.Server) implements it with its token issuer.
/// </summary>
public interface IApiTokenSource
{
    /// <summary>A valid (not about to expire) bearer token for the circuit's member.</summary>
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);
}
