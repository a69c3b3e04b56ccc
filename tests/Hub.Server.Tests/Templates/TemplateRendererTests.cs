using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Core.Contacts;
using Hub.Server.Modules.Templates;
namespace Hub.Server.Tests.Templates;

/// <summary>The one renderer: typed values, HTML encoding, the default filter, cached parses that follow edits.</summary>
public sealed class TemplateRendererTests
{
    private readonly TemplateRenderer _renderer = new();

    private static readonly Contact Grace = new()
    {
        ExternalId = "u-1",
        FirstName = "Grace",
        Attributes = new() { ["seats"] = JsonSerializer.SerializeToElement(3), ["beta"] = JsonSerializer.SerializeToElement(true) },
    };

    private static Dictionary<string, JsonElement> Data(object data) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(data))!;

    [Fact]
    public void Numbers_booleans_and_nested_objects_render_naturally()
    {
        var template = new Template
        {
            Name = "T",
            Subject = "{{ data.count | plus: 1 }} items",
            HtmlContent = "{% if data.paid %}paid{% endif %} {{ data.order.total | times: 2 }} {% if contact.attributes.beta %}beta{% endif %} {{ contact.attributes.seats | minus: 1 }} {{ data.tags | join: ',' }}",
        };

        var rendered = _renderer.Render(template, Grace, Data(new { count = 4, paid = true, order = new { total = 2.5 }, tags = new[] { "a", "b" } }));

        Assert.Equal("5 items", rendered.Subject);
        Assert.Equal("paid 5.0 beta 2 a,b", rendered.Html);
    }

    [Fact]
    public void Html_values_are_encoded_but_subject_and_text_are_not()
    {
        var template = new Template { Name = "T", Subject = "{{ data.x }}", HtmlContent = "<p>{{ data.x }}</p>", TextContent = "{{ data.x }}" };
        var rendered = _renderer.Render(template, Grace, Data(new { x = "Tom & <Jerry>" }));
        Assert.Equal("<p>Tom &amp; &lt;Jerry&gt;</p>", rendered.Html);
        Assert.Equal("Tom & <Jerry>", rendered.Subject);
        Assert.Equal("Tom & <Jerry>", rendered.Text);
    }

    [Fact]
    public void A_line_break_cannot_reach_the_subject_header()
    {
        var template = new Template { Name = "T", Subject = "Hi {{ data.x }}", HtmlContent = "x" };
        Assert.Equal("Hi a Bcc: b", _renderer.Render(template, Grace, Data(new { x = "a\r\nBcc: b" })).Subject);
    }

    [Fact]
    public void Default_filter_and_declared_variables_work()
    {
        var template = new Template
        {
            Name = "T",
            Subject = "Hi {{ contact.last_name | default: 'friend' }}",
            HtmlContent = "{{ coupon | default: 'none' }}",
            Variables = ["coupon"],
        };
        Assert.Equal("Hi friend", _renderer.Render(template, Grace, null).Subject);
        Assert.Equal("SAVE10", _renderer.Render(template, Grace, Data(new { coupon = "SAVE10" })).Html);
    }

    [Fact]
    public void An_edited_template_renders_its_new_content()
    {
        var template = new Template { Name = "T", Subject = "one", HtmlContent = "a" };
        Assert.Equal("one", _renderer.Render(template, Grace, null).Subject);
        template.Subject = "two";
        Assert.Equal("two", _renderer.Render(template, Grace, null).Subject);
    }

    [Fact]
    public void Text_falls_back_to_the_html_without_tags()
    {
        var template = new Template { Name = "T", Subject = "s", HtmlContent = "<p>Fish &amp; chips for {{ contact.first_name }}</p>" };
        Assert.Equal("Fish & chips for Grace", _renderer.Render(template, Grace, null).Text);
    }

    [Fact]
    public void Check_finds_syntax_errors_unknown_variables_and_bad_declarations()
    {
        var template = new Template
        {
            Name = "T",
            Subject = "{{ contact.first_name }} {{ data.anything.at.all }}",
            HtmlContent = "{% for x in data.items %}{{ x }}{{ forloop.index }}{% endfor %}{{ mystery }}",
            TextContent = "{% if %}",
            Variables = ["ok_name", "data", "bad-name"],
        };

        var errors = _renderer.Check(template);

        Assert.False(errors.ContainsKey("subject"));
        Assert.Contains("mystery", Assert.Single(errors["html_content"]), StringComparison.Ordinal);
        Assert.Contains("syntax", Assert.Single(errors["text_content"]), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, errors["variables"].Length);
    }
}
