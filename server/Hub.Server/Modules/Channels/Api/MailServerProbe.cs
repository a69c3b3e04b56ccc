using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Hub.Adapters.Email;
using Hub.Server.Modules.Webhooks;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Hub.Server.Modules.Channels.Api;

/// <summary>
/// Connects to one SMTP or IMAP server the way the email adapter will (same settings reader, same MailKit client),
/// through the SSRF guard's connect step, and keeps what the server said for the admin to read.
/// </summary>
internal static class MailServerProbe
{
    private const int MaxTranscriptLines = 40;

    public static async Task<MailServerCheck> CheckAsync(
        string protocol, IReadOnlyDictionary<string, string> settings, int plainPort, int sslPort, bool allowPrivate, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        MailServer server;
        try
        {
            server = MailServer.From(settings, protocol, plainPort, sslPort)!;
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            var host = settings.GetValueOrDefault($"{protocol}_host") ?? "";
            return new MailServerCheck(protocol, host, 0, false, null, false, false,
                e is OverflowException ? $"{protocol}_port is not a port number." : e.Message, [], ChannelCheckApi.Elapsed(started));
        }

        var log = new ServerLines();
        using var client = protocol == "smtp" ? (MailService)new SmtpClient(log) : new ImapClient(log);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        string? detail = null;
        bool ok = false, secure = false, authenticated = false;
        Stream? stream = null;
        var step = "connect";
        try
        {
            // The guard resolves the name and connects only to a permitted address; MailKit then talks over that socket.
            stream = await WebhookTargetGuard.ConnectAsync(new DnsEndPoint(server.Host, server.Port), allowPrivate, deadline.Token);
            await client.ConnectAsync(stream, server.Host, server.Port, server.Security, deadline.Token);
            secure = client.IsSecure;
            if (server.UserName is { } user)
            {
                step = "sign in";
                await client.AuthenticateAsync(user, server.Password ?? string.Empty, deadline.Token);
                authenticated = true;
            }

            step = "answer";
            if (client is ImapClient imap)
            {
                var folder = await imap.GetFolderAsync(settings.GetValueOrDefault("imap_folder") is { Length: > 0 } f ? f : "INBOX", deadline.Token);
                await folder.OpenAsync(FolderAccess.ReadOnly, deadline.Token);
                detail = $"{folder.FullName}: {folder.Count} message{(folder.Count == 1 ? "" : "s")}.";
            }
            else
            {
                await ((SmtpClient)client).NoOpAsync(deadline.Token);
            }

            ok = true;
            await client.DisconnectAsync(true, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            detail = ok ? detail : step switch
            {
                "connect" => $"No answer from {server.Host}:{server.Port} within {timeout.TotalSeconds:0} seconds.",
                // Servers slow down repeated failed sign-ins from one address (Dovecot up to 15 s), so this is often a wrong password.
                "sign in" => $"The server did not accept or refuse the sign-in within {timeout.TotalSeconds:0} seconds; check the user name and password.",
                _ => $"The server stopped answering within {timeout.TotalSeconds:0} seconds.",
            };
        }
        catch (WebhookTargetRefusedException e)
        {
            detail = $"{e.Message} Mail servers on private networks are reached only with Channels:AllowPrivateHosts on.";
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException or ProtocolException or CommandException
            or AuthenticationException or SslHandshakeException or NotSupportedException or FolderNotFoundException)
        {
            detail = ok ? detail : Describe(e);
        }
        finally
        {
            if (!client.IsConnected)
            {
                stream?.Dispose(); // MailKit owns the stream once connected; before that, it is ours to close
            }
        }

        return new MailServerCheck(protocol, server.Host, server.Port, ok, log.Lines.FirstOrDefault(), secure, authenticated, detail, log.Lines,
            ChannelCheckApi.Elapsed(started));
    }

    private static string Describe(Exception e) => e switch
    {
        SocketException s when s.SocketErrorCode == SocketError.ConnectionRefused => "The server refused the connection (nothing listens on that port).",
        SocketException s when s.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData => "The host name does not resolve.",
        AuthenticationException => $"Sign-in refused: {e.Message}",
        SslHandshakeException => "The TLS handshake failed: check the security setting and the port (465/993 are TLS on connect, 587/143 STARTTLS).",
        SmtpCommandException smtp => $"The server answered {(int)smtp.StatusCode}: {smtp.Message}",
        _ => e.Message,
    };

    /// <summary>Keeps only the server's side of the conversation: what Hub sends includes the password.</summary>
    private sealed class ServerLines : IProtocolLogger
    {
        private readonly StringBuilder _partial = new();

        public List<string> Lines { get; } = [];

        public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

        public void LogConnect(Uri uri)
        {
        }

        public void LogClient(byte[] buffer, int offset, int count)
        {
        }

        public void LogServer(byte[] buffer, int offset, int count)
        {
            _partial.Append(Encoding.UTF8.GetString(buffer, offset, count));
            var text = _partial.ToString();
            var end = text.LastIndexOf('\n');
            if (end < 0)
            {
                return;
            }

            foreach (var line in text[..end].Split('\n'))
            {
                if (Lines.Count < MaxTranscriptLines && line.TrimEnd('\r') is { Length: > 0 } trimmed)
                {
                    Lines.Add(trimmed.Length > 300 ? trimmed[..300] : trimmed);
                }
            }

            _partial.Clear().Append(text[(end + 1)..]);
        }

        public void Dispose()
        {
        }
    }
}
