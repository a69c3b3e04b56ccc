using System.Text;
using System.Text.Json;
using Hub.Adapters.Chat;

namespace Hub.Adapters.Tests.Chat;

/// <summary>
/// The script Hub serves at <c>/widget.js</c> is the bundle of today's sources: the widget UI, the hub-client it runs on
/// (ordering, resume, push acks) and the @microsoft/signalr version clients/js locks. A bundle built once and committed
/// drifts from its sources without anyone noticing; this is what notices.
/// </summary>
public sealed class ChatWidgetBundleTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Script = Encoding.UTF8.GetString(ChatWidget.Script.Content).ReplaceLineEndings("\n");

    [Fact]
    public void The_served_widget_carries_the_widget_ui_as_it_is_in_widget_src()
    {
        var ui = File.ReadAllText(Path.Combine(Root, "adapters", "Hub.Adapters.Chat", "widget", "src", "widget.js")).ReplaceLineEndings("\n");

        Assert.Contains(ui.Trim(), Script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_served_widget_carries_every_line_of_clients_js_hub_client()
    {
        // build.mjs drops the module syntax (the import, `export { signalR }`) and the `export` keyword; the rest is verbatim.
        var lines = File.ReadAllLines(Path.Combine(Root, "clients", "js", "hub-client.mjs"))
            .Where(l => !l.StartsWith("import ", StringComparison.Ordinal) && !l.StartsWith("export {", StringComparison.Ordinal))
            .Select(l => l.StartsWith("export ", StringComparison.Ordinal) ? l["export ".Length..] : l)
            .Where(l => l.Trim().Length > 0);

        var missing = lines.Where(l => !Script.Contains(l, StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, $"{missing.Count} line(s) of hub-client.mjs are not in the served widget, e.g. {string.Join(" | ", missing.Take(3))}");
    }

    [Fact]
    public void The_served_widget_bundles_the_signalr_version_clients_js_locks()
    {
        using var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "clients", "js", "package-lock.json")));
        var version = lockFile.RootElement.GetProperty("packages").GetProperty("node_modules/@microsoft/signalr").GetProperty("version").GetString();

        Assert.StartsWith($"/*! Hub web chat widget. Bundles @microsoft/signalr {version} ", Script, StringComparison.Ordinal);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Hub.sln above {AppContext.BaseDirectory}.");
    }
}
