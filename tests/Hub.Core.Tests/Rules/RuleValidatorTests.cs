using System.Text.Json;
using Hub.Core.Rules;

namespace Hub.Core.Tests.Rules;

public sealed class RuleValidatorTests
{
    private static Rule Valid() => new()
    {
        Name = "insufficient_funds_email",
        EventType = "payment_failed",
        Conditions = new RuleConditions
        {
            All =
            [
                new RuleCondition { Field = "properties.failure_reason", Operator = ConditionOperator.Equals, Value = Json("\"INSUFFICIENT_FUNDS\"") },
                new RuleCondition { PriorEvent = "signup_completed", Within = "24h" },
            ],
        },
        Action = new RuleAction { Type = RuleActionType.Send, Template = "INSUFFICIENT_FUNDS_EMAIL", Channel = "email" },
        Suppression = new RuleSuppression { Mode = SuppressionMode.OncePerCalendarDay },
    };

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static void AssertOnly(Dictionary<string, string[]> errors, string path) =>
        Assert.True(errors.Count == 1 && errors.ContainsKey(path), $"expected only '{path}', got: {string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(' ', e.Value)}"))}");

    [Fact]
    public void The_spec_example_is_valid() => Assert.Empty(RuleValidator.Validate(Valid()));

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("émoji")]
    public void A_bad_name_is_refused(string name)
    {
        var rule = Valid();
        rule.Name = name;
        AssertOnly(RuleValidator.Validate(rule), "name");
    }

    [Fact]
    public void A_missing_event_type_is_refused()
    {
        var rule = Valid();
        rule.EventType = " ";
        AssertOnly(RuleValidator.Validate(rule), "trigger.event_type");
    }

    [Fact]
    public void A_missing_value_is_named_by_its_exact_path()
    {
        var rule = Valid();
        rule.Conditions.All[0].Value = null;
        AssertOnly(RuleValidator.Validate(rule), "conditions.all[0].value");
    }

    [Fact]
    public void Exists_needs_no_value()
    {
        var rule = Valid();
        rule.Conditions.All[0] = new RuleCondition { Field = "traits.plan", Operator = ConditionOperator.Exists };
        Assert.Empty(RuleValidator.Validate(rule));
    }

    [Fact]
    public void A_missing_operator_is_named()
    {
        var rule = Valid();
        rule.Conditions.All[0].Operator = null;
        AssertOnly(RuleValidator.Validate(rule), "conditions.all[0].operator");
    }

    [Theory]
    [InlineData("in", "\"gold\"")]
    [InlineData("in", "[]")]
    [InlineData("gt", "\"yesterday\"")]
    [InlineData("lt", "true")]
    [InlineData("equals", "{\"a\":1}")]
    public void A_value_of_the_wrong_kind_is_refused(string op, string value)
    {
        var rule = Valid();
        rule.Conditions.All[0].Operator = Enum.Parse<ConditionOperator>(op, ignoreCase: true);
        rule.Conditions.All[0].Value = Json(value);
        AssertOnly(RuleValidator.Validate(rule), "conditions.all[0].value");
    }

    [Theory]
    [InlineData("gt", "100")]
    [InlineData("lt", "\"2026-01-31T00:00:00Z\"")]
    [InlineData("in", "[\"gold\", \"silver\"]")]
    [InlineData("contains", "\"@gmail\"")]
    public void A_value_of_the_right_kind_is_accepted(string op, string value)
    {
        var rule = Valid();
        rule.Conditions.All[0].Operator = Enum.Parse<ConditionOperator>(op, ignoreCase: true);
        rule.Conditions.All[0].Value = Json(value);
        Assert.Empty(RuleValidator.Validate(rule));
    }

    [Theory]
    [InlineData("failure_reason")]
    [InlineData("properties.")]
    [InlineData("properties.a..b")]
    [InlineData("user.favourite_colour")]
    public void A_bad_field_is_refused(string field)
    {
        var rule = Valid();
        rule.Conditions.All[0].Field = field;
        AssertOnly(RuleValidator.Validate(rule), "conditions.all[0].field");
    }

    [Theory]
    [InlineData("user.timezone")]
    [InlineData("user.attributes.plan")]
    [InlineData("traits.plan.tier")]
    public void Stored_user_fields_and_attributes_are_accepted(string field)
    {
        var rule = Valid();
        rule.Conditions.All[0].Field = field;
        Assert.Empty(RuleValidator.Validate(rule));
    }

    [Theory]
    [InlineData("tomorrow")]
    [InlineData("24")]
    [InlineData("400d")]
    public void A_bad_within_is_refused(string within)
    {
        var rule = Valid();
        rule.Conditions.All[1].Within = within;
        AssertOnly(RuleValidator.Validate(rule), "conditions.all[1].within");
    }

    [Fact]
    public void Nested_errors_carry_the_full_path_and_the_prefix()
    {
        var rule = Valid();
        rule.Conditions.Any =
        [
            new RuleCondition { Field = "traits.plan", Operator = ConditionOperator.Equals, Value = Json("\"gold\"") },
            new RuleCondition { All = [new RuleCondition { Field = "properties.amount", Operator = ConditionOperator.Gt }] },
        ];
        AssertOnly(RuleValidator.Validate(rule, "rules[2]."), "rules[2].conditions.any[1].all[0].value");
    }

    [Fact]
    public void A_condition_mixing_kinds_is_refused()
    {
        var rule = Valid();
        rule.Conditions.All[1].Field = "properties.x";
        AssertOnly(RuleValidator.Validate(rule), "conditions.all[1]");
    }

    [Fact]
    public void An_empty_condition_is_refused()
    {
        var rule = Valid();
        rule.Conditions.All.Add(new RuleCondition());
        AssertOnly(RuleValidator.Validate(rule), "conditions.all[2]");
    }

    [Fact]
    public void Groups_nest_at_most_five_deep()
    {
        RuleCondition Leaf() => new() { Field = "properties.a", Operator = ConditionOperator.Exists };
        RuleCondition Nest(int levels) => levels == 0 ? Leaf() : new RuleCondition { All = [Nest(levels - 1)] };

        var ok = Valid();
        ok.Conditions.All = [Nest(4)]; // groups at depths 1..4, the leaf at 5
        Assert.Empty(RuleValidator.Validate(ok));

        var deep = Valid();
        deep.Conditions.All = [Nest(5)];
        AssertOnly(RuleValidator.Validate(deep), "conditions.all[0].all[0].all[0].all[0].all[0]");
    }

    [Fact]
    public void At_most_fifty_conditions()
    {
        var rule = Valid();
        rule.Conditions.All = [.. Enumerable.Range(0, 51).Select(i => new RuleCondition { Field = $"properties.p{i}", Operator = ConditionOperator.Exists })];
        AssertOnly(RuleValidator.Validate(rule), "conditions");
    }

    [Theory]
    [InlineData(RuleActionType.Send, null, "email", null, null, "action.template")]
    [InlineData(RuleActionType.Send, "T", null, null, null, "action.channel")]
    [InlineData(RuleActionType.Send, "T", "fax", null, null, "action.channel")]
    [InlineData(RuleActionType.Push, null, null, null, null, "action.template")]
    [InlineData(RuleActionType.Webhook, null, null, "ftp://example.com/x", null, "action.url")]
    [InlineData(RuleActionType.Webhook, null, null, "/relative", null, "action.url")]
    [InlineData(RuleActionType.Assign, null, null, null, null, "action.assign_to")]
    [InlineData(RuleActionType.Assign, null, null, null, "not an email", "action.assign_to")]
    public void An_incomplete_action_is_refused(RuleActionType type, string? template, string? channel, string? url, string? assignTo, string path)
    {
        var rule = Valid();
        rule.Action = new RuleAction { Type = type, Template = template, Channel = channel, Url = url, AssignTo = assignTo };
        AssertOnly(RuleValidator.Validate(rule), path);
    }

    [Theory]
    [InlineData(RuleActionType.Push, "WELCOME", null, null)]
    [InlineData(RuleActionType.Webhook, null, "https://example.com/hook", null)]
    [InlineData(RuleActionType.Assign, null, null, "auto")]
    [InlineData(RuleActionType.Assign, null, null, "agent@example.com")]
    public void Complete_actions_are_accepted(RuleActionType type, string? template, string? url, string? assignTo)
    {
        var rule = Valid();
        rule.Action = new RuleAction { Type = type, Template = template, Url = url, AssignTo = assignTo };
        Assert.Empty(RuleValidator.Validate(rule));
    }

    [Theory]
    [InlineData("Marketing")]
    [InlineData("")]
    [InlineData("a b")]
    public void A_bad_category_is_refused(string category)
    {
        var rule = Valid();
        rule.Action.Category = category;
        AssertOnly(RuleValidator.Validate(rule), "action.category");
    }

    [Fact]
    public void Max_per_window_needs_a_window()
    {
        var rule = Valid();
        rule.Suppression = new RuleSuppression { Mode = SuppressionMode.MaxPerWindow, Max = 3 };
        AssertOnly(RuleValidator.Validate(rule), "suppression.window");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void Max_per_window_needs_a_sane_max(int max)
    {
        var rule = Valid();
        rule.Suppression = new RuleSuppression { Mode = SuppressionMode.MaxPerWindow, Max = max, Window = "1h" };
        AssertOnly(RuleValidator.Validate(rule), "suppression.max");
    }

    [Fact]
    public void Other_modes_carry_no_window()
    {
        var rule = Valid();
        rule.Suppression = new RuleSuppression { Mode = SuppressionMode.OnceEver, Window = "1h" };
        AssertOnly(RuleValidator.Validate(rule), "suppression.window");
    }
}
