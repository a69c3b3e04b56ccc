using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.Rules;

/// <summary>rules.yaml in and out: the spec's example imports, exports and imports again unchanged; bad files change nothing.</summary>
[Collection(HubCollection.Name)]
public sealed class RuleImportTests(HubApp app)
{
    private async Task<HttpClient> WorkspaceWithTemplateAsync()
    {
        var client = await app.NewWorkspaceAsync($"Import {Guid.NewGuid():N}");
        await RuleTestData.CreateTemplateAsync(client);
        return client;
    }

    private static async Task<List<JsonElement>> RulesAsync(HttpClient client) =>
        [.. (await client.GetJsonAsync("/api/v1/rules")).GetProperty("items").EnumerateArray()];

    // What a rule is, without the ids and times that differ between workspaces.
    private static string Shape(JsonElement rule)
    {
        var copy = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(rule)!;
        foreach (var volatileField in new[] { "id", "created_at", "updated_at" })
        {
            copy.Remove(volatileField);
        }

        return JsonSerializer.Serialize(copy);
    }

    [Fact]
    public async Task The_spec_example_imports_and_round_trips_through_export()
    {
        var client = await WorkspaceWithTemplateAsync();

        var response = await RuleTestData.ImportAsync(client, RuleTestData.SpecExample);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = await response.JsonAsync();
        Assert.Equal(2, result.GetProperty("created").GetInt32());

        var rules = await RulesAsync(client);
        Assert.Equal(["insufficient_funds_email", "big_spender_push"], rules.Select(r => r.Str("name")));
        var first = rules[0];
        Assert.Equal("payment_failed", first.Str("event_type"));
        Assert.Equal("INSUFFICIENT_FUNDS", first.GetProperty("conditions").GetProperty("all")[0].Str("value"));
        Assert.Equal("24h", first.GetProperty("conditions").GetProperty("all")[1].Str("within"));
        var second = rules[1];
        Assert.Equal("INSUFFICIENT_FUNDS_EMAIL", second.GetProperty("action").Str("template")); // template_name alias
        Assert.Equal(100, second.GetProperty("conditions").GetProperty("any")[0].GetProperty("value").GetInt32());
        var plans = second.GetProperty("conditions").GetProperty("any")[1].GetProperty("all")[0].GetProperty("value");
        Assert.Equal(["gold", "true", "042"], plans.EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(JsonValueKind.True, second.GetProperty("conditions").GetProperty("any")[1].GetProperty("all")[1].GetProperty("value").ValueKind);
        Assert.Equal(3, second.GetProperty("suppression").GetProperty("max").GetInt32());
        Assert.True(second.GetProperty("continue").GetBoolean());

        var export = await client.GetAsync("/api/v1/rules/export");
        Assert.Equal("application/yaml", export.Content.Headers.ContentType?.MediaType);
        var yaml = await export.Content.ReadAsStringAsync();
        Assert.Contains("insufficient_funds_email", yaml, StringComparison.Ordinal);

        var elsewhere = await WorkspaceWithTemplateAsync();
        var reimport = await RuleTestData.ImportAsync(elsewhere, yaml);
        Assert.True(reimport.StatusCode == HttpStatusCode.OK, $"{await reimport.Content.ReadAsStringAsync()}\n{yaml}");
        Assert.Equal(rules.Select(Shape), (await RulesAsync(elsewhere)).Select(Shape));
    }

    [Fact]
    public async Task Merge_upserts_by_name_and_keeps_other_rules()
    {
        var client = await WorkspaceWithTemplateAsync();
        var keptId = (await client.PostJsonAsync("/api/v1/rules", RuleTestData.SendRule("manual"))).Str("id");
        await RuleTestData.ImportAsync(client, RuleTestData.SpecExample);
        var before = (await RulesAsync(client)).Single(r => r.Str("name") == "insufficient_funds_email");

        var edited = RuleTestData.SpecExample.Replace("mode: once_per_calendar_day", "mode: once_ever", StringComparison.Ordinal);
        var result = await (await RuleTestData.ImportAsync(client, edited)).JsonAsync();
        Assert.Equal(0, result.GetProperty("created").GetInt32());
        Assert.Equal(2, result.GetProperty("updated").GetInt32());

        var rules = await RulesAsync(client);
        Assert.Equal(["manual", "insufficient_funds_email", "big_spender_push"], rules.Select(r => r.Str("name")));
        Assert.Equal(keptId, rules[0].Str("id"));
        Assert.Equal(before.Str("id"), rules[1].Str("id")); // updated in place: same id, same suppression history
        Assert.Equal("once_ever", rules[1].GetProperty("suppression").Str("mode"));
    }

    [Fact]
    public async Task Replace_makes_the_rules_exactly_the_file()
    {
        var client = await WorkspaceWithTemplateAsync();
        await client.PostJsonAsync("/api/v1/rules", RuleTestData.SendRule("manual"));

        var result = await (await RuleTestData.ImportAsync(client, RuleTestData.SpecExample, mode: "replace")).JsonAsync();
        Assert.Equal(1, result.GetProperty("deleted").GetInt32());
        Assert.Equal(["insufficient_funds_email", "big_spender_push"], (await RulesAsync(client)).Select(r => r.Str("name")));
    }

    [Fact]
    public async Task A_file_with_one_bad_rule_changes_nothing_even_in_replace_mode()
    {
        var client = await WorkspaceWithTemplateAsync();
        await client.PostJsonAsync("/api/v1/rules", RuleTestData.SendRule("manual"));
        var before = (await RulesAsync(client)).Select(Shape).ToList();

        var bad = RuleTestData.SpecExample + """

            - name: broken
              trigger: { event_type: signup_completed }
              conditions:
                all:
                  - field: properties.plan
                    operator: greater_than
                    value: 3
              action: { type: send, template: INSUFFICIENT_FUNDS_EMAIL, channel: email }
            """;
        var response = await RuleTestData.ImportAsync(client, bad, mode: "replace");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("rules[2].conditions.all[0].operator", out _), errors.ToString());
        Assert.Equal(before, (await RulesAsync(client)).Select(Shape));
    }

    [Theory]
    [InlineData("suppression: { mode: max_per_window, max: 3 }", "rules[0].suppression.window")]
    [InlineData("conditions: { all: [ { field: properties.x, operator: in, value: solo } ] }", "rules[0].conditions.all[0].value")]
    [InlineData("conditions: { any: [ { all: [ { field: properties.x, operator: equals } ] } ] }", "rules[0].conditions.any[0].all[0].value")]
    [InlineData("conditions: { all: [ { prior_event: signup, within: soon } ] }", "rules[0].conditions.all[0].within")]
    [InlineData("colour: blue", "rules[0].colour")]
    public async Task Import_errors_name_the_rule_and_the_path(string extra, string path)
    {
        var client = await WorkspaceWithTemplateAsync();
        var yaml = $"""
            - name: one
              trigger: {"{"} event_type: payment_failed {"}"}
              action: {"{"} type: send, template: INSUFFICIENT_FUNDS_EMAIL, channel: email {"}"}
              {extra}
            """;
        var response = await RuleTestData.ImportAsync(client, yaml);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(path, out _), errors.ToString());
    }

    [Theory]
    [InlineData("- name: one\n  trigger: { event_type: x\n  action: [", 2)]
    [InlineData("- name: one\n  trigger:\n    event_type: x\n   action: send\n", 4)]
    [InlineData("- name: \"one\n", 1)]
    public async Task A_yaml_syntax_error_is_400_with_line_and_column(string yaml, int line)
    {
        var client = await WorkspaceWithTemplateAsync();
        var response = await RuleTestData.ImportAsync(client, yaml, contentType: "text/yaml");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.True(problem.GetProperty("line").GetInt64() == line, problem.ToString());
        Assert.True(problem.GetProperty("column").GetInt64() > 0, problem.ToString());
        Assert.StartsWith($"Line {line}, column", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Empty(await RulesAsync(client));
    }

    [Fact]
    public async Task An_imported_rule_sending_a_missing_template_is_422_naming_it()
    {
        var client = await WorkspaceWithTemplateAsync();
        var yaml = RuleTestData.SpecExample.Replace("template_name: \"INSUFFICIENT_FUNDS_EMAIL\"", "template_name: NOPE", StringComparison.Ordinal);
        var response = await RuleTestData.ImportAsync(client, yaml);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("rules[1].action.template", out _), errors.ToString());
        Assert.Empty(await RulesAsync(client));
    }

    [Fact]
    public async Task Duplicate_names_in_a_file_are_refused()
    {
        var client = await WorkspaceWithTemplateAsync();
        var yaml = RuleTestData.SpecExample.Replace("big_spender_push", "insufficient_funds_email", StringComparison.Ordinal);
        var response = await RuleTestData.ImportAsync(client, yaml);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("rules[1].name", out _));
    }

    [Fact]
    public async Task An_alias_bomb_is_refused_not_expanded()
    {
        var client = await WorkspaceWithTemplateAsync();
        var yaml = new System.Text.StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 10; i++)
        {
            var refs = string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10));
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"a{i}: &a{i} [{refs}]\n");
        }

        yaml.Append("rules:\n  - name: boom\n    description: *a9\n");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var response = await RuleTestData.ImportAsync(client, yaml.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}");
        Assert.Empty(await RulesAsync(client));
    }

    [Fact]
    public async Task Json_is_not_a_rules_file()
    {
        var client = await WorkspaceWithTemplateAsync();
        var response = await client.PostAsJsonAsync("/api/v1/rules/import", new[] { RuleTestData.SendRule("x") });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }
}
