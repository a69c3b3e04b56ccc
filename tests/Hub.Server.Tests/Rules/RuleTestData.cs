using System.Net.Http.Headers;
using System.Text;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.Rules;

/// <summary>The spec's rules.yaml and helpers to set up what rules refer to.</summary>
internal static class RuleTestData
{
    public const string SpecExample = """
        - name: insufficient_funds_email
          description: Send insufficient funds email once per calendar day
          enabled: true
          trigger: { event_type: payment_failed }
          conditions:
            all:
              - field: properties.failure_reason
                operator: equals
                value: INSUFFICIENT_FUNDS
              - prior_event: signup_completed
                within: 24h
          action: { type: send, template: INSUFFICIENT_FUNDS_EMAIL, channel: email, category: updates }
          suppression: { mode: once_per_calendar_day }
          continue: false
        - name: "big_spender_push"
          trigger:
            event_type: "payment_succeeded"
          conditions:
            any:
              - field: properties.amount
                operator: gt
                value: 100
              - all:
                  - field: traits.plan
                    operator: in
                    value: [gold, "true", "042"]
                  - field: user.attributes.vip
                    operator: equals
                    value: true
          action:
            type: "push"
            template_name: "INSUFFICIENT_FUNDS_EMAIL"
            priority: high
          suppression: { mode: max_per_window, max: 3, window: 7d }
          continue: true
        """;

    public static async Task CreateTemplateAsync(HttpClient client, string name = "INSUFFICIENT_FUNDS_EMAIL") =>
        await client.PostJsonAsync("/api/v1/templates", new
        {
            name,
            subject = "Hi {{ contact.first_name }}",
            html_content = "<p>Your payment of {{ data.amount }} failed.</p>",
        });

    public static Task<HttpResponseMessage> ImportAsync(HttpClient client, string yaml, string mode = "merge", string contentType = "application/yaml")
    {
        var content = new StringContent(yaml, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return client.PostAsync($"/api/v1/rules/import?mode={mode}", content);
    }

    public static object SendRule(string name, string template = "INSUFFICIENT_FUNDS_EMAIL") => new
    {
        name,
        trigger = new { event_type = "payment_failed" },
        conditions = new { all = new object[] { new { field = "properties.failure_reason", @operator = "equals", value = "INSUFFICIENT_FUNDS" } } },
        action = new { type = "send", template, channel = "email" },
        suppression = new { mode = "once_per_calendar_day" },
    };
}
