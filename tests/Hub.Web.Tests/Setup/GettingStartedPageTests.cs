using Bunit;
using Hub.Web.Features.Settings;
using Hub.Web.Features.Setup;
using Hub.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Hub.Web.Tests.Setup;

public sealed class GettingStartedPageTests : DashboardTestContext
{
    private static SetupDto Setup(params string[] done)
    {
        string[] keys = ["channel", "widget", "teammate", "template", "campaign"];
        return new SetupDto([.. keys.Select(k => new SetupStepDto(k, done.Contains(k)))], done.Length, keys.Length, done.Length == keys.Length);
    }

    [Fact]
    public void Done_steps_are_ticked_and_the_others_link_to_where_they_are_done()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Get, "/api/v1/workspace/setup", Setup("channel", "teammate"));
        var page = Render<GettingStartedPage>();

        page.WaitForAssertion(() => Assert.Equal("2 of 5 done", page.Find("[data-testid=start-progress]").TextContent.Trim()));
        Assert.Equal("true", page.Find("[data-testid=start-channel]").GetAttribute("data-done"));
        Assert.Equal("false", page.Find("[data-testid=start-widget]").GetAttribute("data-done"));
        Assert.Contains("(done)", page.Find("[data-testid=start-teammate]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=start-go-channel]"));
        Assert.EndsWith("settings?tab=channels", page.Find("[data-testid=start-go-widget]").GetAttribute("href"), StringComparison.Ordinal);
        Assert.EndsWith("templates", page.Find("[data-testid=start-go-template]").GetAttribute("href"), StringComparison.Ordinal);
        Assert.EndsWith("campaigns/new", page.Find("[data-testid=start-go-campaign]").GetAttribute("href"), StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=start-complete]"));
    }

    [Fact]
    public void A_workspace_with_every_step_done_is_told_it_is_ready()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Get, "/api/v1/workspace/setup", Setup("channel", "widget", "teammate", "template", "campaign"));
        var page = Render<GettingStartedPage>();
        page.WaitForAssertion(() => Assert.Contains("All set", page.Find("[data-testid=start-complete]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid^=start-go-]"));
    }

    [Fact]
    public void Settings_opens_the_tab_named_in_the_address()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Get, "/api/v1/members", new List<MemberDto>());
        Services.GetRequiredService<NavigationManager>().NavigateTo("settings?tab=members");
        var page = Render<SettingsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=members-table]"));
        Assert.Empty(page.FindAll("[data-testid=channels-table]")); // only the active tab is rendered
    }
}
