using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.Rules;

/// <summary><c>/api/v1/rules</c>: rules are refused at save with the exact path of what is wrong.</summary>
[Collection(HubCollection.Name)]
public sealed class RulesApiTests(HubApp app)
{
    private async Task<HttpClient> WorkspaceWithTemplateAsync()
    {
        var client = await app.NewWorkspaceAsync($"Rules {Guid.NewGuid():N}");
        await RuleTestData.CreateTemplateAsync(client);
        return client;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string path)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(path, out _), $"errors should name '{path}': {body}");
    }

    [Fact]
    public async Task A_rule_is_created_read_listed_and_deleted()
    {
        var client = await WorkspaceWithTemplateAsync();

        var response = await client.PostAsJsonAsync("/api/v1/rules", RuleTestData.SendRule("funds"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var rule = await response.JsonAsync();
        var id = rule.Str("id");
        Assert.Equal("payment_failed", rule.Str("event_type"));
        Assert.True(rule.GetProperty("enabled").GetBoolean());
        Assert.False(rule.GetProperty("continue").GetBoolean());
        Assert.Equal("email", rule.GetProperty("action").Str("channel"));
        Assert.Equal("updates", rule.GetProperty("action").Str("category"));
        Assert.Equal("once_per_calendar_day", rule.GetProperty("suppression").Str("mode"));
        var condition = rule.GetProperty("conditions").GetProperty("all")[0];
        Assert.Equal("equals", condition.Str("operator"));
        Assert.False(condition.TryGetProperty("prior_event", out _)); // conditions show only what they use

        Assert.Equal(id, (await client.GetJsonAsync($"/api/v1/rules/{id}")).Str("id"));
        Assert.Equal(1, (await client.GetJsonAsync("/api/v1/rules?event_type=payment_failed")).GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await client.GetJsonAsync("/api/v1/rules?event_type=signup")).GetProperty("items").GetArrayLength());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/rules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/rules/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"operator":"greater_than"}""", "conditions.all[0].operator")]
    [InlineData("""{"value":null}""", "conditions.all[0].value")]
    [InlineData("""{"field":"failure_reason"}""", "conditions.all[0].field")]
    public async Task A_malformed_condition_is_refused_naming_its_path(string patch, string path)
    {
        var client = await WorkspaceWithTemplateAsync();
        var condition = new Dictionary<string, object?> { ["field"] = "properties.failure_reason", ["operator"] = "equals", ["value"] = "X" };
        foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(patch)!)
        {
            condition[key] = value;
        }

        var body = new
        {
            name = "bad",
            trigger = new { event_type = "payment_failed" },
            conditions = new { all = new[] { condition } },
            action = new { type = "send", template = "INSUFFICIENT_FUNDS_EMAIL", channel = "email" },
        };
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/rules", body), HttpStatusCode.BadRequest, path);
        Assert.Equal(0, (await client.GetJsonAsync("/api/v1/rules")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_bad_within_deep_in_a_group_is_named_by_its_full_path()
    {
        var client = await WorkspaceWithTemplateAsync();
        var body = """
            {"name":"nested","event_type":"payment_failed",
             "conditions":{"any":[{"field":"traits.plan","operator":"exists"},{"all":[{"prior_event":"signup_completed","within":"a while"}]}]},
             "action":{"type":"send","template":"INSUFFICIENT_FUNDS_EMAIL","channel":"email"}}
            """;
        var response = await client.PostAsync("/api/v1/rules", new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "conditions.any[1].all[0].within");
    }

    [Fact]
    public async Task Max_per_window_without_a_window_is_refused()
    {
        var client = await WorkspaceWithTemplateAsync();
        var body = new
        {
            name = "capped",
            event_type = "payment_failed",
            action = new { type = "send", template = "INSUFFICIENT_FUNDS_EMAIL", channel = "email" },
            suppression = new { mode = "max_per_window", max = 3 },
        };
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/rules", body), HttpStatusCode.BadRequest, "suppression.window");
    }

    [Fact]
    public async Task A_rule_sending_a_missing_template_is_422_naming_action_template()
    {
        var client = await WorkspaceWithTemplateAsync();
        var response = await client.PostAsJsonAsync("/api/v1/rules", RuleTestData.SendRule("ghost", template: "NO_SUCH_TEMPLATE"));
        await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "action.template");
    }

    [Fact]
    public async Task A_duplicate_name_is_a_conflict()
    {
        var client = await WorkspaceWithTemplateAsync();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/rules", RuleTestData.SendRule("twice"))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync("/api/v1/rules", RuleTestData.SendRule("twice"))).StatusCode);
    }

    [Fact]
    public async Task Put_replaces_and_patch_toggles_enabled_order_and_continue()
    {
        var client = await WorkspaceWithTemplateAsync();
        var id = (await client.PostJsonAsync("/api/v1/rules", RuleTestData.SendRule("editable"))).Str("id");

        var replaced = await client.PutAsJsonAsync($"/api/v1/rules/{id}", new
        {
            name = "editable",
            trigger = new { event_type = "order_shipped" },
            action = new { type = "webhook", url = "https://example.com/hook" },
            suppression = new { mode = "once_ever" },
        });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var rule = await replaced.JsonAsync();
        Assert.Equal("order_shipped", rule.Str("event_type"));
        Assert.Equal("webhook", rule.GetProperty("action").Str("type"));
        Assert.Equal(0, rule.GetProperty("conditions").GetProperty("all").GetArrayLength());

        var patched = await (await client.PatchAsJsonAsync($"/api/v1/rules/{id}", new { enabled = false, order = 7, @continue = true })).JsonAsync();
        Assert.False(patched.GetProperty("enabled").GetBoolean());
        Assert.Equal(7, patched.GetProperty("order").GetInt32());
        Assert.True(patched.GetProperty("continue").GetBoolean());
        Assert.Equal("order_shipped", patched.Str("event_type"));
    }

    [Fact]
    public async Task Reorder_puts_rules_in_the_given_order()
    {
        var client = await WorkspaceWithTemplateAsync();
        var a = (await client.PostJsonAsync("/api/v1/rules", RuleTestData.SendRule("a"))).Str("id");
        var b = (await client.PostJsonAsync("/api/v1/rules", RuleTestData.SendRule("b"))).Str("id");
        var c = (await client.PostJsonAsync("/api/v1/rules", RuleTestData.SendRule("c"))).Str("id");

        var response = await client.PostAsJsonAsync("/api/v1/rules/reorder", new[] { c, a, b });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var listed = (await client.GetJsonAsync("/api/v1/rules")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["c", "a", "b"], listed.Select(r => r.Str("name")));
        Assert.Equal([1, 2, 3], listed.Select(r => r.GetProperty("order").GetInt32()));

        // Reordering a subset swaps them within the places they held.
        await client.PostJsonAsync("/api/v1/rules/reorder", new[] { b, c });
        Assert.Equal(["b", "a", "c"], (await client.GetJsonAsync("/api/v1/rules")).GetProperty("items").EnumerateArray().Select(r => r.Str("name")));

        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/rules/reorder", new[] { a, a }), HttpStatusCode.BadRequest, "[1]");
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/rules/reorder", new[] { a, Guid.NewGuid().ToString() }), HttpStatusCode.BadRequest, "[1]");
    }

    [Fact]
    public async Task Another_workspace_cannot_see_or_touch_a_rule()
    {
        var owner = await WorkspaceWithTemplateAsync();
        var id = (await owner.PostJsonAsync("/api/v1/rules", RuleTestData.SendRule("private"))).Str("id");
        var other = await WorkspaceWithTemplateAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/rules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PutAsJsonAsync($"/api/v1/rules/{id}", RuleTestData.SendRule("private"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PatchAsJsonAsync($"/api/v1/rules/{id}", new { enabled = false })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/v1/rules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await other.PostAsJsonAsync("/api/v1/rules/reorder", new[] { id })).StatusCode);
        Assert.Equal(0, (await other.GetJsonAsync("/api/v1/rules")).GetProperty("items").GetArrayLength());
        Assert.True((await owner.GetJsonAsync($"/api/v1/rules/{id}")).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Agents_read_rules_but_only_marketers_and_admins_write_them()
    {
        var admin = await WorkspaceWithTemplateAsync();
        var agent = await app.NewMemberAsync(admin, "agent");
        var marketer = await app.NewMemberAsync(admin, "marketer");

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/rules", RuleTestData.SendRule("by_agent"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await marketer.PostAsJsonAsync("/api/v1/rules", RuleTestData.SendRule("by_marketer"))).StatusCode);
        Assert.Equal(1, (await agent.GetJsonAsync("/api/v1/rules")).GetProperty("items").GetArrayLength());
    }
}
