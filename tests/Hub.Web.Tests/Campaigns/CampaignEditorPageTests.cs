using System.Text.Json;
using AngleSharp.Dom;
using Bunit;
using Hub.Web.Features.Campaigns;
using Hub.Web.Services;
using Hub.Web.Tests.Infrastructure;

namespace Hub.Web.Tests.Campaigns;

public sealed class CampaignEditorPageTests : DashboardTestContext
{
    private readonly Guid _template = Guid.NewGuid();
    private readonly Guid _vips = Guid.NewGuid();
    private readonly Guid _french = Guid.NewGuid();

    public CampaignEditorPageTests()
    {
        Api.On(HttpMethod.Get, "/api/v1/templates", new ApiPage<TemplateSummary>([new TemplateSummary(_template, "Spring", null, "Hi {{ contact.first_name }}", null, true)], null));
        Api.On(HttpMethod.Get, "/api/v1/segments", new List<SegmentSummary> { new(_vips, "VIPs", null), new(_french, "French speakers", null) });
    }

    /// <summary>The text of the MudBlazor input control (input, label, helper/error line) around the element with <paramref name="testId"/>.</summary>
    private static string ControlOf(IRenderedComponent<CampaignEditorPage> page, string testId) =>
        page.Find($"[data-testid={testId}]").Closest(".mud-input-control")!.TextContent;

    private static IElement CheckboxOf(IRenderedComponent<CampaignEditorPage> page, Guid segment)
    {
        var element = page.Find($"[data-testid=segment-{segment}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    [Fact]
    public void The_servers_field_errors_are_shown_next_to_their_fields_and_in_a_summary()
    {
        Api.On(HttpMethod.Post, "/api/v1/campaigns", (_, _) => FakeApi.Problem(400, "One or more validation errors occurred.", new Dictionary<string, string[]>
        {
            ["name"] = ["A campaign needs a name."],
            ["sender_email"] = ["The SenderEmail field is not a valid e-mail address."],
            ["settings.batch_size"] = ["batch_size must be between 1 and 1000."],
            ["audience.segment_ids[0]"] = ["Segment 123 was not found."],
        }));
        var page = Render<CampaignEditorPage>();
        page.WaitForElement("[data-testid=campaign-save]");
        page.Find("input[data-testid=campaign-sender-email]").Change("not-an-address");
        page.Find("[data-testid=campaign-save]").Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=editor-errors]")));
        Assert.Contains("A campaign needs a name.", ControlOf(page, "campaign-name"), StringComparison.Ordinal);
        Assert.DoesNotContain("batch_size", ControlOf(page, "campaign-name"), StringComparison.Ordinal);
        Assert.Contains("not a valid e-mail address", ControlOf(page, "campaign-sender-email"), StringComparison.Ordinal);
        Assert.Contains("batch_size must be between 1 and 1000.", ControlOf(page, "settings-batch-size"), StringComparison.Ordinal);
        Assert.DoesNotContain("batch_size", ControlOf(page, "settings-rate-limit"), StringComparison.Ordinal);
        Assert.Contains("Segment 123 was not found.", page.Find("[data-testid=error-audience]").TextContent, StringComparison.Ordinal);
        var summary = page.Find("[data-testid=editor-errors]").TextContent;
        Assert.Contains("settings.batch_size", summary, StringComparison.Ordinal);
        Assert.Contains("name: A campaign needs a name.", summary, StringComparison.Ordinal);

        // What was sent is the form, in the API's shape.
        var body = JsonDocument.Parse(Api.Requests.Single(r => r.Request == "POST /api/v1/campaigns").Body!).RootElement;
        Assert.Equal("not-an-address", body.GetProperty("sender_email").GetString());
        Assert.Equal(100, body.GetProperty("settings").GetProperty("batch_size").GetInt32());
        Assert.Equal("email", body.GetProperty("type").GetString());
    }

    [Fact]
    public void Picking_segments_shows_their_estimated_reach()
    {
        Api.On(HttpMethod.Post, "/api/v1/segments/estimate", (_, body) =>
        {
            var ids = JsonDocument.Parse(body!).RootElement.GetProperty("segment_ids").EnumerateArray().Select(e => e.GetGuid()).ToList();
            return FakeApi.Json(new ReachEstimate(ids.Count == 1 ? 42 : 57));
        });
        var page = Render<CampaignEditorPage>();
        page.WaitForElement($"[data-testid=segment-{_vips}]");
        Assert.DoesNotContain("Estimated reach", page.Find("[data-testid=audience-reach]").TextContent, StringComparison.Ordinal);

        CheckboxOf(page, _vips).Change(true);
        page.WaitForAssertion(() => Assert.Contains("Estimated reach: 42 contacts", page.Find("[data-testid=audience-reach]").TextContent, StringComparison.Ordinal));
        CheckboxOf(page, _french).Change(true);
        page.WaitForAssertion(() => Assert.Contains("Estimated reach: 57 contacts", page.Find("[data-testid=audience-reach]").TextContent, StringComparison.Ordinal));
        var last = JsonDocument.Parse(Api.Requests.Last(r => r.Request == "POST /api/v1/segments/estimate").Body!).RootElement;
        Assert.Equal([_vips, _french], last.GetProperty("segment_ids").EnumerateArray().Select(e => e.GetGuid()));
    }

    [Fact]
    public void Picking_a_template_previews_it_for_the_sample_contact_in_a_sandbox()
    {
        Api.On(HttpMethod.Post, $"/api/v1/templates/{_template}/preview", new RenderedPreview("Hi Ada", "<p>Spring sale, Ada!</p><script>alert(1)</script>", "Spring sale, Ada!"));
        var page = Render<CampaignEditorPage>(p => p.Add(x => x.Id, null));
        page.WaitForElement("[data-testid=campaign-save]");
        page.InvokeAsync(() => page.FindComponent<MudBlazor.MudRadioGroup<Guid?>>().Instance.ValueChanged.InvokeAsync(_template));
        page.WaitForAssertion(() => Assert.Contains("Subject: Hi Ada", page.Find("[data-testid=preview-subject]").TextContent, StringComparison.Ordinal));
        var frame = page.Find("iframe[data-testid=preview-frame]");
        Assert.Equal("", frame.GetAttribute("sandbox"));
        Assert.Contains("Spring sale, Ada!", frame.GetAttribute("srcdoc"), StringComparison.Ordinal);
        Assert.Empty(page.FindAll("script")); // the template's HTML is not part of the dashboard's own DOM
    }

    [Fact]
    public void Editing_a_multi_channel_campaign_keeps_its_channel_order_and_saves_the_marketers_changes()
    {
        var id = Guid.NewGuid();
        var stored = CampaignSamples.Campaign(id, Hub.Core.Campaigns.CampaignStatus.Draft) with
        {
            Type = Hub.Core.Campaigns.CampaignType.MultiChannel,
            Channels = ["push", "sms"],
            Metadata = new Dictionary<string, JsonElement> { ["owner"] = JsonDocument.Parse("\"growth\"").RootElement },
        };
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{id}", stored);
        Api.On(HttpMethod.Put, $"/api/v1/campaigns/{id}", (_, _) => FakeApi.Json(stored));
        var page = Render<CampaignEditorPage>(p => p.Add(x => x.Id, id));
        page.WaitForElement("[data-testid=campaign-channels]");
        Assert.Contains("1. Push", page.Find("[data-testid=campaign-channels]").TextContent, StringComparison.Ordinal);
        Assert.Contains("2. SMS", page.Find("[data-testid=campaign-channels]").TextContent, StringComparison.Ordinal);

        // Email is added last; push taken out: the order is now sms, email.
        ChannelBox(page, "email").Change(true);
        ChannelBox(page, "push").Change(false);
        page.WaitForAssertion(() => Assert.Contains("2. Email", page.Find("[data-testid=campaign-channels]").TextContent, StringComparison.Ordinal));
        page.Find("[data-testid=campaign-save]").Click();

        page.WaitForAssertion(() => Assert.Contains(Api.Requests, r => r.Request == $"PUT /api/v1/campaigns/{id}"));
        var body = JsonDocument.Parse(Api.Requests.Single(r => r.Request == $"PUT /api/v1/campaigns/{id}").Body!).RootElement;
        Assert.Equal("multi_channel", body.GetProperty("type").GetString());
        Assert.Equal(["sms", "email"], body.GetProperty("channels").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("growth", body.GetProperty("metadata").GetProperty("owner").GetString()); // what the editor does not show is kept
    }

    [Fact]
    public void A_single_channel_campaign_sends_no_channels_and_the_servers_channel_errors_show_under_the_picker()
    {
        Api.On(HttpMethod.Post, "/api/v1/campaigns", (_, _) => FakeApi.Problem(400, "One or more validation errors occurred.", new Dictionary<string, string[]>
        {
            ["channels"] = ["A multi_channel campaign needs channels, in the order to try them: push, email, sms, whatsapp."],
        }));
        var page = Render<CampaignEditorPage>();
        page.WaitForElement("[data-testid=campaign-save]");
        Assert.Empty(page.FindAll("[data-testid=campaign-channels]"));
        page.Find("[data-testid=campaign-save]").Click();
        page.WaitForAssertion(() => Assert.Contains(Api.Requests, r => r.Request == "POST /api/v1/campaigns"));
        var body = JsonDocument.Parse(Api.Requests.Single(r => r.Request == "POST /api/v1/campaigns").Body!).RootElement;
        Assert.True(!body.TryGetProperty("channels", out var channels) || channels.ValueKind == JsonValueKind.Null);

        page.InvokeAsync(() => page.FindComponent<MudBlazor.MudSelect<Hub.Core.Campaigns.CampaignType>>().Instance.ValueChanged.InvokeAsync(Hub.Core.Campaigns.CampaignType.MultiChannel));
        page.WaitForAssertion(() => Assert.Contains("needs channels", page.Find("[data-testid=error-channels]").TextContent, StringComparison.Ordinal));
    }

    private static IElement ChannelBox(IRenderedComponent<CampaignEditorPage> page, string channel)
    {
        var element = page.Find($"[data-testid=channel-{channel}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }
}
