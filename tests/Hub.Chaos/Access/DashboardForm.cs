using System.Net;
using System.Text.RegularExpressions;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Hub.Chaos.Access;

/// <summary>The dashboard's sign-in form as a browser posts it: the page's antiforgery token and cookie, then the form.</summary>
public sealed partial class DashboardForm
{
    private readonly HttpClient _client;
    private readonly string _token;

    private DashboardForm(HttpClient client, string token)
    {
        _client = client;
        _token = token;
    }

    /// <summary>Loads <c>/login</c> and keeps its antiforgery token (the cookie stays in the client).</summary>
    public static async Task<DashboardForm> OpenAsync(HubApp app)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var page = await client.GetStringAsync("/login");
        var token = AntiforgeryField().Match(page) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["v"].Value)
            : throw new InvalidOperationException("The sign-in page carries no antiforgery token.");
        return new DashboardForm(client, token);
    }

    /// <summary>Posts the form; returns the status and the <c>Location</c> it redirects to.</summary>
    public async Task<string> SignInAsync(string email, string password, string? returnUrl)
    {
        var fields = new Dictionary<string, string> { ["email"] = email, ["password"] = password, ["__RequestVerificationToken"] = _token };
        if (returnUrl is not null)
        {
            fields["returnUrl"] = returnUrl;
        }

        using var response = await _client.PostAsync("/account/login", new FormUrlEncodedContent(fields));
        var location = response.Headers.Location?.OriginalString ?? string.Empty;
        await _client.PostAsync("/account/logout", null); // next attempt starts signed out (ignored when not signed in)
        return $"{(int)response.StatusCode} {location}";
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<v>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
