using Bunit;
using Hub.Core.Inbox;
using Hub.Web.Features.Inbox;
using Hub.Web.Tests.Infrastructure;

namespace Hub.Web.Tests.Inbox;

/// <summary>
/// Customers' messages reach the inbox as they were sent (the chaos fuzzers store them that way): the thread must show
/// hostile email HTML and text without a single script, event handler, frame, form or script URL in the page.
/// </summary>
public sealed class HostileMessageRenderTests : DashboardTestContext
{
    private static readonly string[] Payloads =
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)><script>alert(2)</script></svg>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<a href=\"javascript:alert(1)\">a</a><a href=\"JaVaScRiPt:alert(1)\">b</a><a href=\"&#106;avascript:alert(1)\">c</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">d</a>",
        "<div style=\"background:url(javascript:alert(1))\">e</div>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "<form action=\"https://evil.example\"><input name=x><button formaction=\"javascript:alert(1)\">f</button></form>",
        "<object data=\"javascript:alert(1)\"></object><embed src=\"javascript:alert(1)\">",
        "<body onload=alert(1)><details open ontoggle=alert(1)>g</details>",
        "<base href=\"https://evil.example/\"><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\"><link rel=stylesheet href=https://evil.example/x.css>",
        "<p>Hi <b>team</b>\r\nBcc: x@evil.example</p><a href=\"https://ok.example\">fine</a>",
    ];

    [Fact]
    public void Hostile_email_html_and_text_render_without_scripts_handlers_frames_or_script_urls()
    {
        var conversation = InboxData.Conversation(Guid.NewGuid(), "<img src=x onerror=alert('name')>\r\nEve", InboxData.T0);
        var messages = Payloads.Select((html, i) => InboxData.Message(conversation.Id, "plain", MessageDirection.Inbound, InboxData.T0.AddMinutes(i), html: html))
            .Append(InboxData.Message(conversation.Id, "<script>alert('text')</script><img src=x onerror=alert(1)>", MessageDirection.Inbound, InboxData.T0.AddHours(1)))
            .ToList();

        var thread = Render<ConversationThread>(p => p.Add(x => x.Conversation, conversation).Add(x => x.Messages, messages));

        Assert.Equal(messages.Count, thread.FindAll("[data-testid=message]").Count);
        var all = thread.FindAll("*");
        // Inside what customers wrote (the dashboard's own icons are SVG, so the check is on the message bodies).
        var bodies = thread.FindAll("[data-testid=email-html] *, [data-testid=message-text] *");
        Assert.DoesNotContain(bodies, e => e.LocalName is "script" or "iframe" or "frame" or "object" or "embed" or "form" or "input" or "button" or "base" or "meta"
                                           or "link" or "svg" or "math" or "img" or "style" or "noscript");
        Assert.DoesNotContain(all, e => e.LocalName is "script" or "iframe" or "object" or "embed" or "base" or "meta");
        var handlers = all.SelectMany(e => e.Attributes.Select(a => $"<{e.LocalName} {a.Name}=\"{a.Value}\">"))
            .Where(a => a.Split(' ')[1].StartsWith("on", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(handlers.Count == 0, "event handler attributes rendered: " + string.Join(", ", handlers));
        var scriptUrls = all.SelectMany(e => e.Attributes).Where(a => a.Value.Replace(" ", "", StringComparison.Ordinal).Contains("javascript:", StringComparison.OrdinalIgnoreCase)
            || a.Value.StartsWith("data:", StringComparison.OrdinalIgnoreCase)).Select(a => $"{a.Name}={a.Value}").ToList();
        Assert.True(scriptUrls.Count == 0, "script URLs rendered: " + string.Join(", ", scriptUrls));

        // Text stays text: the markup a customer typed is shown, not run; the good link survives.
        Assert.Contains("<script>alert('text')</script>", thread.Find("[data-testid=message-text]").TextContent, StringComparison.Ordinal);
        Assert.Contains("<img src=x onerror=alert('name')>", thread.Find("[data-testid=thread-contact]").TextContent, StringComparison.Ordinal);
        Assert.Contains(thread.FindAll("a"), a => a.GetAttribute("href") == "https://ok.example" && a.GetAttribute("rel")?.Contains("noopener", StringComparison.Ordinal) == true);
    }
}
