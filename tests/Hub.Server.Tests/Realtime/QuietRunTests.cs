using System.Net;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Server.Tests.Realtime;

/// <summary>
/// What a person meets on a normal run: a widget connection logs no token exception, a mistyped dashboard address is
/// a page (APIs still answer problem+json), and the browser's favicon request finds one.
/// </summary>
[Collection(LiveHubCollection.Name)]
public sealed class QuietRunTests(LiveHubApp app)
{
    [Fact]
    public async Task An_unknown_dashboard_address_is_a_page_and_an_unknown_api_route_stays_problem_json()
    {
        var browser = await app.SignedInAsync();
        using var page = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        page.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        var answer = await browser.SendAsync(page);
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Equal("text/html", answer.Content.Headers.ContentType?.MediaType);
        Assert.Contains("This page does not exist", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/v1/no-such-route");
        api.Headers.Accept.ParseAdd("text/html,application/json");
        var apiAnswer = await browser.SendAsync(api);
        Assert.NotEqual("text/html", apiAnswer.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_favicon_request_finds_the_icon()
    {
        using var browser = app.CreateClient();
        var icon = await browser.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>With authentication's own log on (as a Development run had it), a widget connection logs no token failure.</summary>
public sealed class WidgetConnectLogTests(WidgetConnectLogTests.VerboseAuthHub hub) : IClassFixture<WidgetConnectLogTests.VerboseAuthHub>
{
    public sealed class VerboseAuthHub : IAsyncLifetime
    {
        public VerboseAuthHub() => App.Settings["Logging:LogLevel:Microsoft.AspNetCore.Authentication"] = "Information";

        public LiveHubApp App { get; } = new();

        public Task InitializeAsync() => App.InitializeAsync();

        public Task DisposeAsync() => ((IAsyncLifetime)App).DisposeAsync();
    }

    [Fact]
    public async Task An_end_user_connection_is_not_tried_as_a_member_token_and_logs_no_exception()
    {
        var admin = await hub.App.SignedInAsync();
        var userId = $"quiet-{Guid.NewGuid():N}";
        await using var user = await hub.App.ConnectUserAsync(admin, userId);
        await user.Connection.InvokeAsync<Hub.Core.Realtime.SendMessageResult>(
            Hub.Core.Realtime.RealtimeEventNames.MessageSend, new Hub.Core.Realtime.SendMessageRequest(null, "hello"));

        Assert.DoesNotContain(hub.App.Logs, line => line.Contains("IDX10517", StringComparison.Ordinal)
            || line.Contains("SecurityTokenSignatureKeyNotFoundException", StringComparison.Ordinal)
            || line.Contains("SecurityTokenInvalidAudienceException", StringComparison.Ordinal));
    }
}
