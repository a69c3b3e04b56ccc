using Bunit;
using Hub.Web.Features.Settings;
using Hub.Web.Tests.Infrastructure;
using MudBlazor;

namespace Hub.Web.Tests.Settings;

public sealed class ChannelChatPreviewTests : DashboardTestContext
{
    private static Task TypeAsync(IRenderedComponent<ChannelChatFields> view, string testId, string value) =>
        view.InvokeAsync(() => view.FindComponents<MudTextField<string>>()
            .Single(f => f.Instance.UserAttributes.TryGetValue("data-testid", out var t) && (string?)t == testId).Instance.ValueChanged.InvokeAsync(value));

    [Fact]
    public async Task The_preview_follows_the_form_as_the_admin_types_before_saving()
    {
        RenderMudProviders();
        var form = ChannelForm.New(ChannelKind.Chat);
        var view = Render<ChannelChatFields>(p => p.Add(x => x.Form, form));
        Assert.Contains("Chat with us", view.Find("[data-testid=chat-preview-title]").TextContent, StringComparison.Ordinal);

        await TypeAsync(view, "setting-title", "Acme support");
        await TypeAsync(view, "setting-greeting", "Hi! We answer within an hour.");
        await TypeAsync(view, "setting-color", "#0f766e");

        Assert.Contains("Acme support", view.Find("[data-testid=chat-preview-title]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Hi! We answer within an hour.", view.Find("[data-testid=chat-preview-greeting]").TextContent);
        Assert.Contains("--c: #0f766e", view.Find("[data-testid=chat-preview]").GetAttribute("style"), StringComparison.Ordinal);

        // A colour the widget would not accept is not drawn; asking for an email shows the pre-chat form.
        await TypeAsync(view, "setting-color", "teal");
        Assert.Contains("--c: #2563eb", view.Find("[data-testid=chat-preview]").GetAttribute("style"), StringComparison.Ordinal);
        view.Find("input[data-testid=prechat-email]").Change(true);
        Assert.Contains("Your email", view.Find("[data-testid=chat-preview-prechat]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Your name", view.Find("[data-testid=chat-preview-prechat]").TextContent, StringComparison.Ordinal);
    }
}
