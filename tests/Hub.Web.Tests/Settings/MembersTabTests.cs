using Bunit;
using Hub.Web.Features.Settings;
using Hub.Web.Tests.Infrastructure;
using MudBlazor;

namespace Hub.Web.Tests.Settings;

public sealed class MembersTabTests : DashboardTestContext
{
    [Fact]
    public async Task Changing_a_members_role_patches_the_member_and_shows_the_new_role()
    {
        RenderMudProviders();
        var id = Guid.NewGuid();
        var member = new MemberDto(id, "sam@example.com", "Sam", ["agent"], "online", DateTimeOffset.UtcNow);
        Api.On(HttpMethod.Get, "/api/v1/members", new List<MemberDto> { member });
        Api.On(HttpMethod.Patch, $"/api/v1/members/{id}", member with { Roles = ["marketer"] });
        var tab = Render<MembersTab>();
        tab.WaitForAssertion(() => Assert.Single(tab.FindAll("[data-testid=members-table] tbody tr")));

        var roleSelect = tab.FindComponents<MudSelect<string>>().Single(s => s.Instance.UserAttributes.TryGetValue("data-testid", out var t) && (string?)t == "member-role-sam@example.com");
        Assert.Equal("agent", roleSelect.Find("input").GetAttribute("value"));
        await tab.InvokeAsync(() => roleSelect.Instance.ValueChanged.InvokeAsync("marketer"));

        var (_, body) = Assert.Single(Api.Requests, r => r.Request == $"PATCH /api/v1/members/{id}");
        Assert.Equal("""{"role":"marketer"}""", body);
        tab.WaitForAssertion(() => Assert.Equal("marketer", tab.FindComponents<MudSelect<string>>()
            .Single(s => s.Instance.UserAttributes.TryGetValue("data-testid", out var t) && (string?)t == "member-role-sam@example.com").Find("input").GetAttribute("value")));
    }

    [Fact]
    public void A_refused_role_change_is_shown()
    {
        RenderMudProviders();
        var id = Guid.NewGuid();
        Api.On(HttpMethod.Get, "/api/v1/members", new List<MemberDto> { new(id, "a@example.com", "Ann", ["admin"], "online", DateTimeOffset.UtcNow) });
        Api.On(HttpMethod.Patch, $"/api/v1/members/{id}", (_, _) => FakeApi.Problem(409, "The workspace needs at least one admin."));
        var tab = Render<MembersTab>();
        tab.WaitForAssertion(() => Assert.Single(tab.FindAll("[data-testid=members-table] tbody tr")));
        var select = tab.FindComponents<MudSelect<string>>().Last();
        tab.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync("agent"));
        tab.WaitForAssertion(() => Assert.Contains("at least one admin", tab.Find("[data-testid=members-problem]").TextContent));
    }

    [Fact]
    public void A_locked_member_shows_until_when_and_an_admin_can_unlock_them()
    {
        RenderMudProviders();
        var id = Guid.NewGuid();
        var locked = new MemberDto(id, "lee@example.com", "Lee", ["agent"], "offline", DateTimeOffset.UtcNow) { LockedUntil = DateTimeOffset.UtcNow.AddMinutes(4) };
        Api.On(HttpMethod.Get, "/api/v1/members", new List<MemberDto> { locked });
        Api.On(HttpMethod.Post, $"/api/v1/members/{id}/unlock", locked with { LockedUntil = null });
        var tab = Render<MembersTab>();
        tab.WaitForAssertion(() => Assert.Contains("Locked until", tab.Find("[data-testid='member-locked-lee@example.com']").TextContent));

        tab.Find("[data-testid='member-unlock-lee@example.com']").Click();

        Assert.Single(Api.Requests, r => r.Request == $"POST /api/v1/members/{id}/unlock");
        tab.WaitForAssertion(() => Assert.Empty(tab.FindAll("[data-testid='member-locked-lee@example.com']")));
    }
}
