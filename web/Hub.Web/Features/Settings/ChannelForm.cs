using System.Text.Encodings.Web;
using System.Text.Json;
using Hub.Web.Services;

namespace Hub.Web.Features.Settings;

/// <summary>The kinds of channel the settings page can add.</summary>
public enum ChannelKind
{
    Email,
    Sms,
    WhatsApp,
    Chat,
}

/// <summary>
/// The channel editor's state: the fields of one kind of channel, turned into the API's create and update requests.
/// Secrets are write-only, as in the API: the form knows only whether one is stored, and sends a secret only when
/// the admin typed a new one (never the mask it was shown).
/// </summary>
public sealed class ChannelForm
{
    /// <summary>What the API shows instead of a stored secret.</summary>
    public const string Mask = "********";

    /// <summary>Settings holding a list (one item per line in the form).</summary>
    private static readonly string[] ListSettings = ["allowed_origins", "prechat_fields"];

    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _newSecrets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _storedSecrets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _storedKeys = new(StringComparer.Ordinal);

    private ChannelForm(ChannelKind kind, string provider)
    {
        Kind = kind;
        Provider = provider;
    }

    /// <summary>The channel being edited; null for a new one.</summary>
    public Guid? Id { get; private init; }

    public ChannelKind Kind { get; }

    public string Name { get; set; } = "";

    /// <summary><c>smtp</c>, <c>twilio</c>, <c>webchat</c> or <c>dev-sink</c> (writes what would be sent to a folder).</summary>
    public string Provider { get; set; }

    /// <summary>The mailbox's address, the Twilio number, or (chat) the public widget key Hub made.</summary>
    public string? Address { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>The API's <c>type</c> for <see cref="Kind"/>.</summary>
    public string Type => TypeOf(Kind);

    /// <summary>The providers this kind of channel can use, with what each means.</summary>
    public IReadOnlyList<(string Value, string Label)> Providers => Kind switch
    {
        ChannelKind.Email => [("smtp", "SMTP and IMAP (your mail server)"), ("dev-sink", "Development sink (nothing is really sent)")],
        ChannelKind.Sms or ChannelKind.WhatsApp => [("twilio", "Twilio"), ("dev-sink", "Development sink (nothing is really sent)")],
        _ => [("webchat", "Hub's chat widget")],
    };

    /// <summary>A plain setting's value (lists as one item per line).</summary>
    public string? this[string key]
    {
        get => _values.GetValueOrDefault(key);
        set => _values[key] = value;
    }

    /// <summary>Whether the channel has this secret stored (the form never sees its value).</summary>
    public bool HasStoredSecret(string key) => _storedSecrets.Contains(key);

    /// <summary>The replacement the admin typed for a secret; null: keep the stored one.</summary>
    public string? NewSecret(string key) => _newSecrets.GetValueOrDefault(key);

    public void SetSecret(string key, string? value) => _newSecrets[key] = value;

    /// <summary>Whether the web chat's pre-chat form asks for <paramref name="field"/> (<c>name</c> or <c>email</c>).</summary>
    public bool AsksFor(string field) => Lines("prechat_fields").Contains(field);

    public void SetAsksFor(string field, bool ask)
    {
        var fields = Lines("prechat_fields").Where(f => f != field).ToList();
        if (ask)
        {
            fields.Add(field);
        }

        this["prechat_fields"] = string.Join('\n', fields.Order(StringComparer.Ordinal));
    }

    /// <summary>A new channel of <paramref name="kind"/>, with the defaults a first channel wants.</summary>
    public static ChannelForm New(ChannelKind kind)
    {
        var form = new ChannelForm(kind, kind switch { ChannelKind.Email => "smtp", ChannelKind.Chat => "webchat", _ => "twilio" });
        switch (kind)
        {
            case ChannelKind.Email:
                form.Name = "Support mailbox";
                form["smtp_security"] = "starttls";
                form["imap_security"] = "ssl";
                break;
            case ChannelKind.Sms:
                form.Name = "SMS";
                break;
            case ChannelKind.WhatsApp:
                form.Name = "WhatsApp";
                break;
            case ChannelKind.Chat:
                form.Name = "Website chat";
                form["title"] = "Chat with us";
                form["color"] = "#2563eb";
                form["position"] = "right";
                break;
        }

        return form;
    }

    /// <summary>The form for an existing channel; null for a kind the page can't edit (push).</summary>
    public static ChannelForm? From(ChannelDto channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (KindOf(channel.Type) is not { } kind)
        {
            return null;
        }

        var form = new ChannelForm(kind, channel.Provider)
        {
            Id = channel.Id,
            Name = channel.Name,
            Address = channel.Address,
            IsActive = channel.IsActive,
        };
        foreach (var (key, value) in channel.Settings ?? new Dictionary<string, JsonElement>())
        {
            form._storedKeys.Add(key);
            if (value.ValueKind == JsonValueKind.String && value.GetString() == Mask)
            {
                form._storedSecrets.Add(key);
            }
            else
            {
                form._values[key] = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Array => string.Join('\n', value.EnumerateArray().Select(v => v.ToString())),
                    _ => value.GetRawText(),
                };
            }
        }

        return form;
    }

    public static ChannelKind? KindOf(string type) => type switch
    {
        "email" => ChannelKind.Email,
        "sms" => ChannelKind.Sms,
        "whats_app" => ChannelKind.WhatsApp,
        "chat" => ChannelKind.Chat,
        _ => null,
    };

    public static string TypeOf(ChannelKind kind) => kind switch
    {
        ChannelKind.Email => "email",
        ChannelKind.Sms => "sms",
        ChannelKind.WhatsApp => "whats_app",
        _ => "chat",
    };

    /// <summary>What must be filled before saving, keyed as the API keys its errors; null when nothing is missing.</summary>
    public ApiProblem? Check()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Require(string field, bool present, string message)
        {
            if (!present)
            {
                errors[field] = [message];
            }
        }

        Require("name", !string.IsNullOrWhiteSpace(Name), "Give the channel a name, such as \"Support mailbox\".");
        if (Kind == ChannelKind.Email && Provider == "smtp")
        {
            Require("address", !string.IsNullOrWhiteSpace(Address), "Enter the mailbox's email address.");
            Require("settings.smtp_host", Filled("smtp_host"), "Enter the SMTP server that sends this mailbox's mail.");
        }

        if (Kind is ChannelKind.Sms or ChannelKind.WhatsApp && Provider == "twilio")
        {
            Require("settings.account_sid", Filled("account_sid"), "Enter the Account SID from the Twilio console.");
            Require("settings.auth_token", HasStoredSecret("auth_token") || !string.IsNullOrWhiteSpace(NewSecret("auth_token")), "Enter the Auth Token from the Twilio console.");
            Require("address", !string.IsNullOrWhiteSpace(Address) || Filled("messaging_service_sid"), "Enter the Twilio number, or a Messaging Service SID.");
        }

        return errors.Count == 0 ? null : new ApiProblem(400, "Some fields need attention.", null, errors);
    }

    /// <summary>The body of <c>POST /api/v1/channels</c>.</summary>
    public object ToCreateRequest() => new CreateRequest(Name.Trim(), Type, Provider, Blank(Address), Settings(forUpdate: false), IsActive);

    /// <summary>The body of <c>PATCH /api/v1/channels/{id}</c>: settings emptied in the form are removed (null), secrets sent only when replaced.</summary>
    public object ToUpdateRequest() => new UpdateRequest(Name.Trim(), Blank(Address), Settings(forUpdate: true), IsActive);

    /// <summary>The chat widget's script tag for a page, with the options the widget reads.</summary>
    public string Snippet(Uri hubBaseUri)
    {
        ArgumentNullException.ThrowIfNull(hubBaseUri);
        var attribute = HtmlEncoder.Default;
        var tag = new System.Text.StringBuilder()
            .Append("<script src=\"").Append(attribute.Encode(new Uri(hubBaseUri, "widget.js").AbsoluteUri)).Append('"')
            .Append(" data-hub-key=\"").Append(attribute.Encode(Address ?? "")).Append('"');
        foreach (var (key, name) in new[] { ("title", "data-title"), ("color", "data-color"), ("greeting", "data-greeting") })
        {
            if (Blank(this[key]) is { } value)
            {
                tag.Append(' ').Append(name).Append("=\"").Append(attribute.Encode(value)).Append('"');
            }
        }

        if (this["position"] == "left")
        {
            tag.Append(" data-position=\"left\"");
        }

        if (Lines("prechat_fields").Count > 0)
        {
            tag.Append(" data-prechat=\"true\"");
        }

        return tag.Append(" async></script>").ToString();
    }

    /// <summary>A URL under Hub's public address for this channel's webhook (<c>inbound</c>, <c>status</c>).</summary>
    public string WebhookUrl(Uri hubBaseUri, string provider, string hook)
    {
        ArgumentNullException.ThrowIfNull(hubBaseUri);
        return new Uri(hubBaseUri, $"webhooks/{provider}/{Id}/{hook}").AbsoluteUri;
    }

    private Dictionary<string, object?> Settings(bool forUpdate)
    {
        var settings = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in _values)
        {
            object? sent = ListSettings.Contains(key) ? (Lines(key) is { Count: > 0 } items ? items : null) : Blank(value);
            if (sent is not null || (forUpdate && _storedKeys.Contains(key)))
            {
                settings[key] = sent; // null removes a setting the channel had
            }
        }

        // Twilio sends from the channel's number unless a Messaging Service picks one.
        if (Kind is ChannelKind.Sms or ChannelKind.WhatsApp && Blank(Address) is { } number)
        {
            settings["from"] = number;
        }

        foreach (var (key, value) in _newSecrets)
        {
            if (Blank(value) is { } secret && secret != Mask)
            {
                settings[key] = secret;
            }
        }

        return settings;
    }

    private bool Filled(string key) => !string.IsNullOrWhiteSpace(this[key]);

    private List<string> Lines(string key) =>
        [.. (this[key] ?? "").Split(['\n', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed record CreateRequest(string Name, string Type, string Provider, string? Address, Dictionary<string, object?> Settings, bool IsActive);

    private sealed record UpdateRequest(string Name, string? Address, Dictionary<string, object?> Settings, bool IsActive);
}
