using System.Security.Cryptography;

namespace Hub.Adapters.Chat;

/// <summary>The embeddable web chat widget script, built from <c>widget/src</c> and embedded in this assembly.</summary>
public static class ChatWidget
{
    private static readonly Lazy<WidgetScript> Loaded = new(Load);

    /// <summary>The script's bytes (UTF-8 JavaScript) and a strong ETag over them.</summary>
    public static WidgetScript Script => Loaded.Value;

    private static WidgetScript Load()
    {
        using var stream = typeof(ChatWidget).Assembly.GetManifestResourceStream("Hub.Adapters.Chat.hub-widget.js")
            ?? throw new InvalidOperationException("The widget script is not embedded: run `node widget/build.mjs` in adapters/Hub.Adapters.Chat.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        return new WidgetScript(content, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}\"");
    }
}

/// <summary>The widget script and its ETag.</summary>
public sealed record WidgetScript(byte[] Content, string ETag);
