using System.Net;
using System.Net.Http.Json;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Tests.Rules;

namespace Hub.Server.Tests.Templates;

/// <summary><c>/api/v1/templates</c>: templates that would not render are refused at save, naming the field.</summary>
[Collection(HubCollection.Name)]
public sealed class TemplatesApiTests(HubApp app)
{
    private static object Body(string name = "WELCOME", string subject = "Welcome {{ contact.first_name }}", string html = "<p>Hi {{ contact.first_name | default: 'there' }}</p>", string[]? variables = null) =>
        new { name, subject, html_content = html, variables = variables ?? [], category = "onboarding" };

    [Fact]
    public async Task A_template_is_created_listed_updated_and_deleted()
    {
        var client = await app.NewWorkspaceAsync($"Templates {Guid.NewGuid():N}");
        var response = await client.PostAsJsonAsync("/api/v1/templates", Body());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.JsonAsync()).Str("id");
        await client.PostJsonAsync("/api/v1/templates", Body(name: "RECEIPT"));

        Assert.Equal(2, (await client.GetJsonAsync("/api/v1/templates")).GetProperty("items").GetArrayLength());
        Assert.Equal(1, (await client.GetJsonAsync("/api/v1/templates?search=receipt")).GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await client.GetJsonAsync("/api/v1/templates?is_active=false")).GetProperty("items").GetArrayLength());
        var page = await client.GetJsonAsync("/api/v1/templates?limit=1");
        Assert.Equal(1, page.GetProperty("items").GetArrayLength());
        Assert.Equal(1, (await client.GetJsonAsync($"/api/v1/templates?limit=1&cursor={page.Str("next_cursor")}")).GetProperty("items").GetArrayLength());

        var updated = await client.PutAsJsonAsync($"/api/v1/templates/{id}", new { name = "WELCOME", subject = "Hello", html_content = "<p>x</p>", is_active = false });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.False((await updated.JsonAsync()).GetProperty("is_active").GetBoolean());

        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync("/api/v1/templates", Body(name: "RECEIPT"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/templates/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/templates/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("Hi", "<p>{% if contact.first_name %}unclosed</p>", "html_content", "if")]
    [InlineData("Hi {{ contact.first_name", "<p>x</p>", "subject", "")]
    [InlineData("Hi", "<p>{{ discount_code }}</p>", "html_content", "discount_code")]
    [InlineData("Hi {{ contact.favourite_colour }}", "<p>x</p>", "subject", "contact.favourite_colour")]
    [InlineData("Hi", "<p>{{ data.amount | shout }}</p>", "html_content", "shout")]
    [InlineData("Hi", "<p>{% include 'footer' %}</p>", "html_content", "include")]
    public async Task A_template_that_would_not_render_is_422_naming_the_field(string subject, string html, string field, string mentioned)
    {
        var client = await app.NewWorkspaceAsync($"Templates {Guid.NewGuid():N}");
        var response = await client.PostAsJsonAsync("/api/v1/templates", Body(subject: subject, html: html));
        var problem = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, problem.ToString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.ToString());
        Assert.Contains(mentioned, messages[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await client.GetJsonAsync("/api/v1/templates")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Declared_variables_and_assigned_names_are_known()
    {
        var client = await app.NewWorkspaceAsync($"Templates {Guid.NewGuid():N}");
        var html = "{% assign total = data.amount | plus: 1 %}{% for item in data.items %}{{ item.name }}{% endfor %}<p>{{ discount_code }} {{ total }}</p>";
        var response = await client.PostAsJsonAsync("/api/v1/templates", Body(html: html, variables: ["discount_code"]));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Preview_renders_for_a_stored_contact_with_data_html_encoded()
    {
        var client = await app.NewWorkspaceAsync($"Templates {Guid.NewGuid():N}");
        await client.PostJsonAsync("/api/v1/contacts", new { external_id = "u-42", first_name = "Grace", email = "grace@example.com", attributes = new { plan = "gold", seats = 12 } });
        var id = (await client.PostJsonAsync("/api/v1/templates", new
        {
            name = "RECEIPT",
            subject = "{{ contact.first_name }}, your {{ contact.attributes.plan }} receipt",
            html_content = "<p>{{ data.note }}</p>{% if data.amount > 100 %}<b>big</b>{% endif %}<i>{{ data.order.id }}</i>{{ contact.attributes.seats | plus: 1 }}",
            text_content = "Total {{ data.amount }} {{ coupon | default: 'none' }}",
            variables = new[] { "coupon" },
        })).Str("id");

        var rendered = await client.PostJsonAsync($"/api/v1/templates/{id}/preview", new
        {
            user_id = "u-42",
            data = new { note = "<script>x</script>", amount = 150, order = new { id = "A-1" } },
        });

        Assert.Equal("Grace, your gold receipt", rendered.Str("subject"));
        Assert.Contains("&lt;script&gt;", rendered.Str("html"), StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", rendered.Str("html"), StringComparison.Ordinal);
        Assert.Contains("<b>big</b>", rendered.Str("html"), StringComparison.Ordinal);
        Assert.Contains("<i>A-1</i>", rendered.Str("html"), StringComparison.Ordinal);
        Assert.Contains("13", rendered.Str("html"), StringComparison.Ordinal);
        Assert.Equal("Total 150 none", rendered.Str("text"));

        var sample = await client.PostJsonAsync($"/api/v1/templates/{id}/preview", new { });
        Assert.StartsWith("Ada, your", sample.Str("subject"), StringComparison.Ordinal);

        var unknown = await client.PostAsJsonAsync($"/api/v1/templates/{id}/preview", new { user_id = "nobody" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task A_template_a_rule_sends_cannot_be_deleted_or_renamed()
    {
        var client = await app.NewWorkspaceAsync($"Templates {Guid.NewGuid():N}");
        var template = (await client.PostJsonAsync("/api/v1/templates", Body(name: "INSUFFICIENT_FUNDS_EMAIL"))).Str("id");
        var rule = (await client.PostJsonAsync("/api/v1/rules", RuleTestData.SendRule("uses_it"))).Str("id");

        Assert.Equal(HttpStatusCode.Conflict, (await client.DeleteAsync($"/api/v1/templates/{template}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PutAsJsonAsync($"/api/v1/templates/{template}", Body(name: "RENAMED"))).StatusCode);

        await client.DeleteAsync($"/api/v1/rules/{rule}");
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/templates/{template}")).StatusCode);
    }

    [Fact]
    public async Task Another_workspace_cannot_see_a_template_and_agents_cannot_write()
    {
        var owner = await app.NewWorkspaceAsync($"Templates {Guid.NewGuid():N}");
        var id = (await owner.PostJsonAsync("/api/v1/templates", Body())).Str("id");
        var other = await app.NewWorkspaceAsync($"Templates {Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/templates/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/v1/templates/{id}/preview", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/v1/templates/{id}")).StatusCode);

        var agent = await app.NewMemberAsync(owner, "agent");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/templates", Body(name: "AGENT"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"/api/v1/templates/{id}")).StatusCode);
    }
}
