using System.Text;
using Hub.Adapters.Email.Sending;
using Hub.Chaos.Infrastructure;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using MimeKit;
using Xunit.Abstractions;

namespace Hub.Chaos.Fuzz;

/// <summary>
/// What Hub sends by email is built from text customers and agents control (a conversation's subject comes from the
/// customer's mail, names from contacts): line breaks in any of it must never start a header or the body of the MIME
/// Hub writes to the SMTP server.
/// </summary>
public sealed class MimeHeaderInjectionTests(ITestOutputHelper output)
{
    private static readonly string[] Breaks = ["\r\n", "\n", "\r", "\r\n\r\n", "\u0085", "\u2028", "\u2029", "\r\n\t", "\0\r\n"];

    private static readonly HashSet<string> Allowed = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Subject", "Date", "Message-Id", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "In-Reply-To", "References",
        "List-Unsubscribe", "List-Unsubscribe-Post", "X-Fuzz",
    };

    [Fact]
    public void Line_breaks_in_subjects_names_and_headers_never_inject_a_header_into_sent_mime()
    {
        output.WriteLine(FuzzSettings.Banner(nameof(MimeHeaderInjectionTests)));
        var random = FuzzSettings.For(nameof(MimeHeaderInjectionTests));
        var failures = new List<string>();
        var tried = 0;
        foreach (var lineBreak in Breaks)
        {
            foreach (var field in new[] { "subject", "from_name", "to_name", "header", "in_reply_to", "references", "header_name" })
            {
                for (var i = 0; i < Math.Max(2, FuzzSettings.Cases / 2); i++)
                {
                    tried++;
                    var payload = $"Hello{lineBreak}Bcc: victim{i}@evil.example{lineBreak}X-Injected: {Hostile.Pick(random)}{lineBreak}{lineBreak}<script>body</script>";
                    var envelope = Envelope(field, payload);
                    string raw;
                    try
                    {
                        using var stream = new MemoryStream();
                        // As SMTP carries it: CRLF line endings (what MailKit's SmtpClient writes).
                        var format = FormatOptions.Default.Clone();
                        format.NewLineFormat = NewLineFormat.Dos;
                        OutboundMimeBuilder.Build(envelope, DateTimeOffset.UtcNow).WriteTo(format, stream);
                        raw = Encoding.UTF8.GetString(stream.ToArray());
                    }
                    catch (Exception ex) when (ex is ArgumentException or FormatException or ParseException)
                    {
                        continue; // refusing to build the message is safe; only a built one could carry an injection
                    }

                    var headers = HeaderNames(raw);
                    var unexpected = headers.Where(h => !Allowed.Contains(h)).ToList();
                    if (unexpected.Count > 0 || headers.Count(h => h.Equals("Subject", StringComparison.OrdinalIgnoreCase)) != 1)
                    {
                        failures.Add($"{field} with {Escape(lineBreak)}: headers {string.Join(", ", headers)}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} built messages carried injected headers (seed {FuzzSettings.Seed}):\n" + string.Join("\n", failures.Distinct()));
        ChaosReport.Record(ChaosKind.Input, "Email header injection: line breaks in subject, names, headers of sent MIME", tried, "messages", failures.Count,
            $"{Breaks.Length} kinds of line break");
    }

    private static OutboundEnvelope Envelope(string field, string payload) => new()
    {
        MessageId = Guid.NewGuid(),
        WorkspaceId = Guid.NewGuid(),
        Channel = ChannelType.Email,
        Settings = new Dictionary<string, string>(),
        From = "support@acme.test",
        FromName = field == "from_name" ? payload : "Acme support",
        To = "ada@example.com",
        ToName = field == "to_name" ? payload : "Ada",
        Subject = field == "subject" ? "Re: " + payload : "Re: your order",
        Text = "Thanks",
        Html = "<p>Thanks</p>",
        IdempotencyKey = Guid.NewGuid().ToString("N"),
        InReplyTo = field == "in_reply_to" ? payload : null,
        References = field == "references" ? [payload, "<a@b>"] : [],
        Headers = field switch
        {
            "header" => new Dictionary<string, string> { ["X-Fuzz"] = payload },
            "header_name" => new Dictionary<string, string> { [payload] = "v" },
            _ => new Dictionary<string, string>(),
        },
    };

    /// <summary>The names of the top-level headers of raw MIME (folded lines joined; the header block ends at the first empty line).</summary>
    private static List<string> HeaderNames(string raw)
    {
        var end = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var block = end >= 0 ? raw[..end] : raw;
        return block.Split("\r\n")
            .Where(line => line.Length > 0 && line[0] is not (' ' or '\t'))
            .Select(line => line.Contains(':', StringComparison.Ordinal) ? line[..line.IndexOf(':', StringComparison.Ordinal)] : "(not a header) " + line)
            .ToList();
    }

    private static string Escape(string text) => string.Concat(text.Select(c => c < 32 || c > 126 ? $"\\u{(int)c:x4}" : c.ToString()));
}
