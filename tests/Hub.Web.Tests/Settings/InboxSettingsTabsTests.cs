using Bunit;
using Hub.Web.Features.Settings;
using Hub.Web.Tests.Infrastructure;
using MudBlazor;

namespace Hub.Web.Tests.Settings;

/// <summary>The workspace, teams and routing, SLA and canned-response tabs of Settings.</summary>
public sealed class InboxSettingsTabsTests : DashboardTestContext
{
    private static readonly Guid Sam = Guid.NewGuid();
    private static readonly Guid Ann = Guid.NewGuid();

    private static RoutingDto Routing(IReadOnlyDictionary<string, string>? map = null) => new(
        AutoAssign: true, ServerAutoAssign: true,
        IntentTeams: map ?? new Dictionary<string, string> { ["billing_question"] = "billing" },
        KnownIntents: ["billing_question", "card_lost"],
        Teams: [new TeamDto("billing", [new TeamMemberDto(Sam, "Sam", "online", 5, 2)], ["billing_question"])],
        WithoutTeam: [new TeamMemberDto(Ann, "Ann", "away", 0, 0)]);

    private static string FieldText<T>(IRenderedComponent<T> view, string testId) where T : Microsoft.AspNetCore.Components.IComponent =>
        view.Find($"[data-testid='{testId}']").Closest(".mud-input-control")!.TextContent;

    private static bool FieldRed<T>(IRenderedComponent<T> view, string testId) where T : Microsoft.AspNetCore.Components.IComponent =>
        view.Find($"[data-testid='{testId}']").Closest(".mud-input-control")!.ClassList.Contains("mud-input-error");

    [Fact]
    public void Workspace_business_hours_are_sent_as_the_ticked_days_and_the_servers_objection_is_shown()
    {
        RenderMudProviders();
        var workspace = new WorkspaceDto(Guid.NewGuid(), "Acme", "acme", "Europe/Paris", [], DateTimeOffset.UtcNow);
        Api.On(HttpMethod.Get, "/api/v1/workspace", workspace);
        Api.On(HttpMethod.Patch, "/api/v1/workspace", (_, _) => FakeApi.Problem(400, "Invalid", new Dictionary<string, string[]>
        {
            ["business_hours"] = ["monday closes before it opens."],
        }));
        var tab = Render<WorkspaceTab>();
        tab.WaitForAssertion(() => Assert.Equal("Acme", tab.Find("input[data-testid=workspace-name]").GetAttribute("value")));
        Assert.Empty(tab.FindAll("[data-testid=workspace-hours]"));

        tab.Find("input[data-testid=workspace-has-hours]").Change(true);
        Assert.Equal(7, tab.FindAll("[data-testid=workspace-hours] tbody tr").Count);
        tab.Find("button[data-testid=workspace-save]").Click();

        var (_, body) = Assert.Single(Api.Requests, r => r.Request == "PATCH /api/v1/workspace");
        Assert.Contains("\"time_zone\":\"Europe/Paris\"", body, StringComparison.Ordinal);
        Assert.Contains("{\"day\":\"monday\",\"opens\":\"09:00:00\",\"closes\":\"17:00:00\"}", body, StringComparison.Ordinal);
        Assert.Contains("\"day\":\"friday\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("saturday", body, StringComparison.Ordinal);
        tab.WaitForAssertion(() => Assert.Contains("closes before it opens", tab.Find("[data-testid=workspace-hours-problem]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Rotating_the_client_secret_asks_first_and_then_shows_the_new_secret_once()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Get, "/api/v1/workspace", new WorkspaceDto(Guid.NewGuid(), "Acme", "acme", "UTC", [], DateTimeOffset.UtcNow));
        Api.On(HttpMethod.Post, "/api/v1/workspace/client-secret", new ClientSecretDto("new-secret-value"));
        var tab = Render<WorkspaceTab>();
        tab.WaitForAssertion(() => tab.Find("button[data-testid=workspace-rotate]"));

        tab.Find("button[data-testid=workspace-rotate]").Click();
        Assert.DoesNotContain(Api.Requests, r => r.Request.StartsWith("POST", StringComparison.Ordinal));
        tab.Find("button[data-testid=workspace-rotate-confirm]").Click();

        tab.WaitForAssertion(() => Assert.Contains("new-secret-value", tab.Markup, StringComparison.Ordinal));
        Assert.Single(Api.Requests, r => r.Request == "POST /api/v1/workspace/client-secret");
    }

    [Fact]
    public void Teams_show_their_members_load_and_the_intents_routed_to_them_in_words()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Get, "/api/v1/routing", Routing());
        var tab = Render<TeamsTab>();

        tab.WaitForAssertion(() => Assert.Contains("Sam", tab.Find("[data-testid=team-billing]").TextContent, StringComparison.Ordinal));
        var team = tab.Find("[data-testid=team-billing]").TextContent;
        Assert.Contains("2/5", team, StringComparison.Ordinal);
        Assert.Contains("Billing question", team, StringComparison.Ordinal);
        Assert.Equal(2, tab.FindAll("[data-testid=team-members] tbody tr").Count);
        Assert.Contains("Card lost", tab.Find("[data-testid=intent-routes]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("card_lost", tab.Find("[data-testid=intent-routes]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saving_routing_sends_the_map_and_a_refused_route_turns_its_field_red()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Get, "/api/v1/routing", Routing());
        Api.On(HttpMethod.Put, "/api/v1/routing", (_, _) => FakeApi.Problem(400, "Invalid", new Dictionary<string, string[]>
        {
            ["intent_teams.card_lost"] = ["A team name is 1-50 lowercase letters, digits, - or _."],
        }));
        var tab = Render<TeamsTab>();
        tab.WaitForAssertion(() => tab.Find("[data-testid=route-card_lost]"));

        var route = tab.FindComponents<MudAutocomplete<string>>().Single(a => (string?)a.Instance.UserAttributes["data-testid"] == "route-team-card_lost");
        await tab.InvokeAsync(() => route.Instance.ValueChanged.InvokeAsync("Cards!"));
        tab.Find("button[data-testid=routing-save]").Click();

        var (_, body) = Assert.Single(Api.Requests, r => r.Request == "PUT /api/v1/routing");
        Assert.Contains("\"auto_assign\":true", body, StringComparison.Ordinal);
        Assert.Contains("\"billing_question\":\"billing\"", body, StringComparison.Ordinal);
        Assert.Contains("\"card_lost\":\"Cards!\"", body, StringComparison.Ordinal);
        tab.WaitForAssertion(() =>
        {
            Assert.True(FieldRed(tab, "route-team-card_lost"));
            Assert.Contains("lowercase letters", FieldText(tab, "route-team-card_lost"), StringComparison.Ordinal);
            Assert.False(FieldRed(tab, "route-team-billing_question"));
        });
    }

    [Fact]
    public async Task A_members_team_and_capacity_are_saved_on_the_member()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Get, "/api/v1/routing", Routing());
        Api.On(HttpMethod.Patch, $"/api/v1/members/{Ann}", new MemberDto(Ann, "ann@example.com", "Ann", ["agent"], "away", DateTimeOffset.UtcNow) { Team = "billing", ConversationCapacity = 3 });
        var tab = Render<TeamsTab>();
        tab.WaitForAssertion(() => tab.Find($"[data-testid=team-member-{Ann}]"));
        Assert.True(tab.Find($"button[data-testid=member-team-save-{Ann}]").HasAttribute("disabled"));

        var team = tab.FindComponents<MudAutocomplete<string>>().Single(a => (string?)a.Instance.UserAttributes["data-testid"] == $"member-team-{Ann}");
        await tab.InvokeAsync(() => team.Instance.ValueChanged.InvokeAsync("billing"));
        tab.Find($"input[data-testid=member-capacity-{Ann}]").Change("3");
        tab.Find($"button[data-testid=member-team-save-{Ann}]").Click();

        var (_, body) = Assert.Single(Api.Requests, r => r.Request == $"PATCH /api/v1/members/{Ann}");
        Assert.Equal("""{"team":"billing","conversation_capacity":3}""", body);
        tab.WaitForAssertion(() => Assert.Equal(2, Api.Requests.Count(r => r.Request == "GET /api/v1/routing")));
    }

    [Fact]
    public void Sla_policies_start_empty_and_a_new_policy_is_saved_with_its_team_and_targets()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Get, "/api/v1/sla-policies", new List<SlaPolicyDto>());
        Api.On(HttpMethod.Get, "/api/v1/sla-policies/breaches", new List<SlaBreachDto>());
        Api.On(HttpMethod.Get, "/api/v1/channels", new List<ChannelDto>());
        Api.On(HttpMethod.Get, "/api/v1/routing", Routing());
        Api.On(HttpMethod.Put, "/api/v1/sla-policies", new List<SlaPolicyDto> { new("normal", 30, 1440, 0.8, "billing", null, true) });
        var tab = Render<SlaTab>();
        tab.WaitForAssertion(() => tab.Find("[data-testid=sla-empty]"));
        Assert.NotNull(tab.Find("[data-testid=sla-breaches-empty]"));

        tab.Find("button[data-testid=sla-add]").Click();
        tab.Find("input[data-testid=sla-first-0]").Change("30");
        tab.Find("[data-testid=sla-hours-0] input, input[data-testid=sla-hours-0]").Change(true);
        var team = tab.FindComponents<MudAutocomplete<string>>().Single(a => (string?)a.Instance.UserAttributes["data-testid"] == "sla-team-0");
        tab.InvokeAsync(() => team.Instance.ValueChanged.InvokeAsync("billing"));
        tab.Find("button[data-testid=sla-save]").Click();

        var (_, body) = Assert.Single(Api.Requests, r => r.Request == "PUT /api/v1/sla-policies");
        Assert.Equal("""[{"priority":"normal","team":"billing","first_response_minutes":30,"resolution_minutes":1440,"warn_at":0.8,"business_hours_only":true}]""", body);
        tab.WaitForAssertion(() => tab.Find("[data-testid=sla-saved]"));
    }

    [Fact]
    public void An_sla_error_on_one_row_turns_that_rows_field_red()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Get, "/api/v1/sla-policies", new List<SlaPolicyDto> { new("high", 15, 240, 0.8, null, null, false), new("high", 60, 600, 0.8, "billing", null, false) });
        Api.On(HttpMethod.Get, "/api/v1/sla-policies/breaches", new List<SlaBreachDto>
        {
            new(Guid.NewGuid(), "Where is my refund", "high", "billing", null, "email", DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(-5), null),
        });
        Api.On(HttpMethod.Get, "/api/v1/channels", new List<ChannelDto>());
        Api.On(HttpMethod.Get, "/api/v1/routing", Routing());
        Api.On(HttpMethod.Put, "/api/v1/sla-policies", (_, _) => FakeApi.Problem(400, "Invalid", new Dictionary<string, string[]>
        {
            ["[1].resolution_minutes"] = ["The resolution target can't be shorter than the first-response target."],
        }));
        var tab = Render<SlaTab>();
        tab.WaitForAssertion(() => Assert.Equal(2, tab.FindAll("[data-testid=sla-table] tbody tr").Count));
        Assert.Contains("Where is my refund", tab.Find("[data-testid=sla-breaches]").TextContent, StringComparison.Ordinal);

        tab.Find("button[data-testid=sla-save]").Click();

        tab.WaitForAssertion(() =>
        {
            Assert.True(FieldRed(tab, "sla-resolution-1"));
            Assert.Contains("can't be shorter", FieldText(tab, "sla-resolution-1"), StringComparison.Ordinal);
            Assert.False(FieldRed(tab, "sla-resolution-0"));
            Assert.Contains("see the fields in red", tab.Find("[data-testid=sla-problem]").TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_canned_response_is_added_shared_with_a_team_and_a_taken_short_code_is_said_on_its_field()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Get, "/api/v1/routing", Routing());
        Api.On(HttpMethod.Get, "/api/v1/canned-responses", new List<CannedResponseDto>());
        var attempts = 0;
        Api.On(HttpMethod.Post, "/api/v1/canned-responses", (_, _) => ++attempts == 1
            ? FakeApi.Problem(409, "/refund already exists.")
            : FakeApi.Json(new CannedResponseDto(Guid.NewGuid(), "refund2", "Hi {{ contact.first_name }}", "billing", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), System.Net.HttpStatusCode.Created));
        var tab = Render<CannedResponsesTab>();
        tab.WaitForAssertion(() => tab.Find("[data-testid=canned-empty]"));

        tab.Find("input[data-testid=canned-short-code]").Change("/refund");
        tab.Find("textarea[data-testid=canned-content]").Change("Hi {{ contact.first_name }}");
        var team = tab.FindComponents<MudAutocomplete<string>>().Single(a => (string?)a.Instance.UserAttributes["data-testid"] == "canned-team");
        tab.InvokeAsync(() => team.Instance.ValueChanged.InvokeAsync("billing"));
        tab.Find("button[data-testid=canned-save]").Click();

        var (_, body) = Assert.Single(Api.Requests, r => r.Request == "POST /api/v1/canned-responses");
        Assert.Equal("""{"short_code":"refund","content":"Hi {{ contact.first_name }}","team":"billing"}""", body);
        tab.WaitForAssertion(() => Assert.Contains("already exists", FieldText(tab, "canned-short-code"), StringComparison.Ordinal));
        Assert.True(FieldRed(tab, "canned-short-code"));

        Api.On(HttpMethod.Get, "/api/v1/canned-responses", new List<CannedResponseDto>
        {
            new(Guid.NewGuid(), "refund2", "Hi {{ contact.first_name }}", "billing", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow),
        });
        tab.Find("input[data-testid=canned-short-code]").Change("refund2");
        tab.Find("button[data-testid=canned-save]").Click();
        tab.WaitForAssertion(() => Assert.Contains("/refund2", tab.Find("[data-testid=canned-table]").TextContent, StringComparison.Ordinal));
        Assert.Contains("billing", tab.Find("[data-testid=canned-table]").TextContent, StringComparison.Ordinal);
    }
}
