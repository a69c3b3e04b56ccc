using System.Text.Json;
using Hub.Core.Contacts;
using Hub.Core.Rules;

namespace Hub.Core.Tests.Rules;

public sealed class ConditionEvaluatorTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static ConditionSubject Subject(
        string properties = "{}", string traits = "{}", Contact? contact = null, Dictionary<string, DateTimeOffset>? prior = null) =>
        new(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(properties)!, JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(traits)!,
            contact, At, prior ?? []);

    private static RuleConditions All(params RuleCondition[] conditions) => new() { All = [.. conditions] };

    private static RuleCondition Field(string field, ConditionOperator op, string? value = null) =>
        new() { Field = field, Operator = op, Value = value is null ? null : J(value) };

    [Theory]
    [InlineData("amount", "{\"amount\":150}", ConditionOperator.Gt, "100", true)]
    [InlineData("amount", "{\"amount\":100}", ConditionOperator.Gt, "100", false)]
    [InlineData("amount", "{\"amount\":99.5}", ConditionOperator.Lt, "100", true)]
    [InlineData("amount", "{\"amount\":100}", ConditionOperator.Equals, "100.0", true)]
    [InlineData("amount", "{\"amount\":\"100\"}", ConditionOperator.Equals, "100", false)]
    [InlineData("reason", "{\"reason\":\"INSUFFICIENT_FUNDS\"}", ConditionOperator.Equals, "\"insufficient_funds\"", false)]
    [InlineData("reason", "{\"reason\":\"INSUFFICIENT_FUNDS\"}", ConditionOperator.NotEquals, "\"CARD_EXPIRED\"", true)]
    [InlineData("reason", "{\"reason\":\"CARD_EXPIRED\"}", ConditionOperator.In, "[\"CARD_EXPIRED\",\"INSUFFICIENT_FUNDS\"]", true)]
    [InlineData("reason", "{\"reason\":\"OTHER\"}", ConditionOperator.In, "[\"CARD_EXPIRED\",\"INSUFFICIENT_FUNDS\"]", false)]
    [InlineData("reason", "{\"reason\":\"card expired today\"}", ConditionOperator.Contains, "\"expired\"", true)]
    [InlineData("tags", "{\"tags\":[\"vip\",\"beta\"]}", ConditionOperator.Contains, "\"vip\"", true)]
    [InlineData("tags", "{\"tags\":[\"beta\"]}", ConditionOperator.Contains, "\"vip\"", false)]
    [InlineData("at", "{\"at\":\"2026-11-30T10:00:00Z\"}", ConditionOperator.Gt, "\"2026-11-29T23:00:00+01:00\"", true)]
    [InlineData("at", "{\"at\":\"2026-11-30T10:00:00Z\"}", ConditionOperator.Lt, "\"2026-11-30T09:00:00Z\"", false)]
    [InlineData("amount", "{\"amount\":1}", ConditionOperator.Exists, "true", true)]
    [InlineData("amount", "{\"amount\":null}", ConditionOperator.Exists, "true", false)]
    [InlineData("amount", "{}", ConditionOperator.Exists, "false", true)]
    [InlineData("amount", "{}", ConditionOperator.NotEquals, "1", true)]
    [InlineData("amount", "{}", ConditionOperator.Equals, "1", false)]
    [InlineData("meta.a", "{\"meta\":{\"a\":[1,2]}}", ConditionOperator.Equals, "[1,2.0]", true)]
    [InlineData("meta.a", "{\"meta\":{\"a\":[1,2]}}", ConditionOperator.Equals, "[2,1]", false)]
    public void Operators_compare_json_values(string field, string properties, ConditionOperator op, string value, bool expected) =>
        Assert.Equal(expected, ConditionEvaluator.Evaluate(All(Field($"properties.{field}", op, value)), Subject(properties)).Holds);

    [Fact]
    public void Nested_properties_traits_and_the_stored_user_are_fields()
    {
        var contact = new Contact { Email = "ana@example.com", TimeZone = "Europe/Paris", IsActive = true, Attributes = new() { ["plan"] = J("\"pro\"") } };
        var subject = Subject("""{"order":{"total":{"amount":42}}}""", """{"country":"FR"}""", contact);
        Assert.True(ConditionEvaluator.Evaluate(All(
            Field("properties.order.total.amount", ConditionOperator.Equals, "42"),
            Field("traits.country", ConditionOperator.Equals, "\"FR\""),
            Field("traits.plan", ConditionOperator.Equals, "\"pro\""),         // falls back to the stored attributes
            Field("user.attributes.plan", ConditionOperator.Equals, "\"pro\""),
            Field("user.email", ConditionOperator.Contains, "\"@example.com\""),
            Field("user.is_active", ConditionOperator.Equals, "true"),
            Field("user.timezone", ConditionOperator.Equals, "\"Europe/Paris\"")), subject).Holds);
        Assert.False(ConditionEvaluator.Evaluate(All(Field("user.first_name", ConditionOperator.Exists, "true")), subject).Holds);
    }

    [Fact]
    public void Any_needs_one_and_the_reason_names_the_failed_condition()
    {
        var conditions = new RuleConditions
        {
            All = [Field("properties.amount", ConditionOperator.Gt, "100")],
            Any = [Field("properties.currency", ConditionOperator.Equals, "\"EUR\""), Field("properties.currency", ConditionOperator.Equals, "\"USD\"")],
        };
        Assert.True(ConditionEvaluator.Evaluate(conditions, Subject("""{"amount":150,"currency":"USD"}""")).Holds);
        var noneOfAny = ConditionEvaluator.Evaluate(conditions, Subject("""{"amount":150,"currency":"GBP"}"""));
        Assert.False(noneOfAny.Holds);
        Assert.Contains("none of any held", noneOfAny.Why, StringComparison.Ordinal);
        var small = ConditionEvaluator.Evaluate(conditions, Subject("""{"amount":50,"currency":"USD"}"""));
        Assert.Equal("properties.amount gt 100 was false", small.Why);
        Assert.Equal("properties.amount is missing", ConditionEvaluator.Evaluate(conditions, Subject("{}")).Why);
    }

    [Fact]
    public void Nested_groups_hold_like_the_top_level()
    {
        var conditions = All(new RuleCondition
        {
            Any = [Field("properties.a", ConditionOperator.Equals, "1"), new RuleCondition { All = [Field("properties.b", ConditionOperator.Equals, "2"), Field("properties.c", ConditionOperator.Equals, "3")] }],
        });
        Assert.True(ConditionEvaluator.Evaluate(conditions, Subject("""{"b":2,"c":3}""")).Holds);
        Assert.False(ConditionEvaluator.Evaluate(conditions, Subject("""{"b":2,"c":4}""")).Holds);
    }

    [Theory]
    [InlineData(23, true)]
    [InlineData(25, false)]
    public void Prior_event_within_24h_looks_back_from_the_event(int hoursBefore, bool expected)
    {
        var conditions = All(new RuleCondition { PriorEvent = "signup_completed", Within = "24h" });
        var subject = Subject(prior: new() { ["signup_completed"] = At.AddHours(-hoursBefore) });
        Assert.Equal(expected, ConditionEvaluator.Evaluate(conditions, subject).Holds);
        var absent = All(new RuleCondition { PriorEvent = "signup_completed", Within = "24h", Absent = true });
        Assert.Equal(!expected, ConditionEvaluator.Evaluate(absent, subject).Holds);
        Assert.False(ConditionEvaluator.Evaluate(conditions, Subject()).Holds);
        Assert.Equal(["signup_completed"], ConditionEvaluator.PriorEventTypes(conditions));
    }
}
