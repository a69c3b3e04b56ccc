using System.Net;
using System.Text;
using System.Text.Json;
using Bunit;
using Hub.Web.Features.Rules;
using Hub.Web.Services;
using Hub.Web.Tests.Infrastructure;

namespace Hub.Web.Tests.Rules;

public sealed class RuleEditorTests : DashboardTestContext
{
    [Fact]
    public void Saving_a_rule_the_server_refuses_shows_each_error_under_its_exact_path()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Post, "/api/v1/rules", (_, _) => FakeApi.Problem(400, "One or more validation errors occurred.", new Dictionary<string, string[]>
        {
            ["conditions.all[0].operator"] = ["operator must be one of equals, not_equals, greater_than."],
        }));
        var saved = false;
        var editor = Render<RuleEditor>(p => p.Add(e => e.OnSaved, (RuleDto _) => saved = true));

        editor.Find("input[data-testid=rule-name]").Change("welcome-us");
        editor.Find("input[data-testid=rule-event]").Change("user.signup");
        editor.Find("textarea[data-testid=rule-body]").Input("""
            { "conditions": { "all": [ { "field": "user.country", "operator": "is", "value": "US" } ] },
              "action": { "type": "send", "template": "welcome", "channel": "email" } }
            """);
        editor.Find("button[data-testid=rule-save]").Click();

        editor.WaitForAssertion(() => Assert.Equal("conditions.all[0].operator", editor.Find("[data-testid=rule-error-path]").TextContent));
        Assert.Contains("operator must be one of", editor.Find("[data-testid=rule-error]").TextContent);
        Assert.False(saved);

        var (request, body) = Assert.Single(Api.Requests, r => r.Request == "POST /api/v1/rules");
        using var sent = JsonDocument.Parse(body!);
        Assert.Equal("welcome-us", sent.RootElement.GetProperty("name").GetString());
        Assert.Equal("user.signup", sent.RootElement.GetProperty("event_type").GetString());
        Assert.True(sent.RootElement.GetProperty("enabled").GetBoolean());
        Assert.Equal("is", sent.RootElement.GetProperty("conditions").GetProperty("all")[0].GetProperty("operator").GetString());
    }

    [Fact]
    public void Invalid_json_is_caught_before_anything_is_sent()
    {
        RenderMudProviders();
        var editor = Render<RuleEditor>();
        editor.Find("textarea[data-testid=rule-body]").Input("{ not json");
        editor.Find("button[data-testid=rule-save]").Click();
        editor.WaitForAssertion(() => Assert.Contains("The JSON is not valid", editor.Find("[data-testid=rule-local-error]").TextContent));
        Assert.DoesNotContain(Api.Requests, r => r.Request.StartsWith("POST", StringComparison.Ordinal));
    }

    [Fact]
    public void A_yaml_import_error_names_the_rule_and_the_path_inside_it()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Get, "/api/v1/rules", new ApiPage<RuleDto>([], null));
        Api.On(HttpMethod.Get, "/api/v1/rules/export", (_, _) => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("rules: []\n", Encoding.UTF8, "application/yaml"),
        });
        Api.On(HttpMethod.Post, "/api/v1/rules/import", (_, _) => FakeApi.Problem(400, "One or more validation errors occurred.", new Dictionary<string, string[]>
        {
            ["rules[2].conditions.all[0].operator"] = ["operator must be one of equals, not_equals."],
        }));
        var page = Render<RulesPage>();
        page.Find("button[data-testid=rules-yaml]").Click();
        page.WaitForAssertion(() => Assert.Equal("rules: []\n", page.Find("textarea[data-testid=rules-yaml-text]").GetAttribute("value") ?? page.Find("textarea[data-testid=rules-yaml-text]").TextContent));
        page.Find("textarea[data-testid=rules-yaml-text]").Input("rules:\n  - name: x\n");
        page.Find("button[data-testid=rules-import-merge]").Click();

        page.WaitForAssertion(() => Assert.Equal("rules[2].conditions.all[0].operator", page.Find("[data-testid=rule-error-path]").TextContent));
        var (_, body) = Assert.Single(Api.Requests, r => r.Request == "POST /api/v1/rules/import?mode=merge");
        Assert.Equal("rules:\n  - name: x\n", body);
    }
}
