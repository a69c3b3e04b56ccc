using Bunit;
using Hub.Web.Features.Analytics;
using Hub.Web.Tests.Infrastructure;
using MudBlazor;

namespace Hub.Web.Tests.Analytics;

public sealed class AlertRuleFormTests : DashboardTestContext
{
    [Fact]
    public async Task A_threshold_rule_is_sent_as_the_api_expects_and_the_list_is_told()
    {
        RenderMudProviders();
        AlertRuleDto? told = null;
        var created = new AlertRuleDto(Guid.NewGuid(), "errors_high", "threshold", "error_rate", "gt", 0.1, "15m", "high", false);
        Api.On(HttpMethod.Post, "/api/v1/analytics/alerts", created);
        var form = Render<AlertRuleForm>(p => p.Add(f => f.Created, (AlertRuleDto r) => told = r));

        form.Find("input[data-testid=alert-name]").Change("errors_high");
        await form.InvokeAsync(() => Select(form, "alert-metric").ValueChanged.InvokeAsync("error_rate"));
        await form.InvokeAsync(() => Select(form, "alert-severity").ValueChanged.InvokeAsync("high"));
        form.Find("input[data-testid=alert-threshold]").Change("0.1");
        form.Find("button[data-testid=alert-create]").Click();

        var (_, body) = Assert.Single(Api.Requests, r => r.Request == "POST /api/v1/analytics/alerts");
        Assert.Contains("\"name\":\"errors_high\"", body, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"threshold\"", body, StringComparison.Ordinal);
        Assert.Contains("\"metric\":\"error_rate\"", body, StringComparison.Ordinal);
        Assert.Contains("\"threshold\":0.1", body, StringComparison.Ordinal);
        Assert.Contains("\"window\":\"15m\"", body, StringComparison.Ordinal);
        Assert.Contains("\"severity\":\"high\"", body, StringComparison.Ordinal);
        form.WaitForAssertion(() => Assert.Equal(created, told));
    }

    [Fact]
    public void The_servers_field_errors_turn_their_fields_red_with_the_words_beside_them()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Post, "/api/v1/analytics/alerts", (_, _) => FakeApi.Problem(400, "Invalid", new Dictionary<string, string[]>
        {
            ["name"] = ["name is required (at most 200 characters)."],
            ["threshold"] = ["threshold is required for a threshold rule."],
        }));
        var form = Render<AlertRuleForm>();
        form.Find("button[data-testid=alert-create]").Click();

        form.WaitForAssertion(() =>
        {
            Assert.Contains("name is required", form.Find("[data-testid=alert-name]").Closest(".mud-input-control")!.TextContent, StringComparison.Ordinal);
            Assert.Contains("threshold is required", form.Find("[data-testid=alert-threshold]").Closest(".mud-input-control")!.TextContent, StringComparison.Ordinal);
            Assert.Equal(2, form.FindAll(".mud-input-control.mud-input-error").Count);
        });
    }

    [Fact]
    public async Task An_anomaly_rule_asks_for_sensitivity_not_a_value()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Post, "/api/v1/analytics/alerts", new AlertRuleDto(Guid.NewGuid(), "odd", "anomaly", "event_count", "gt", 0, "1h", "medium", false));
        var form = Render<AlertRuleForm>();
        await form.InvokeAsync(() => Select(form, "alert-kind").ValueChanged.InvokeAsync("anomaly"));

        Assert.Empty(form.FindAll("[data-testid=alert-threshold]"));
        Assert.NotEmpty(form.FindAll("[data-testid=alert-sensitivity]"));
        form.Find("input[data-testid=alert-name]").Change("odd");
        form.Find("button[data-testid=alert-create]").Click();
        var (_, body) = Assert.Single(Api.Requests, r => r.Request == "POST /api/v1/analytics/alerts");
        Assert.Contains("\"kind\":\"anomaly\"", body, StringComparison.Ordinal);
        Assert.Contains("\"sensitivity\":3", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"threshold\"", body, StringComparison.Ordinal);
    }

    private static MudSelect<string> Select(IRenderedComponent<AlertRuleForm> form, string testId) =>
        form.FindComponents<MudSelect<string>>().Single(s => s.Instance.UserAttributes.TryGetValue("data-testid", out var t) && (string?)t == testId).Instance;
}
