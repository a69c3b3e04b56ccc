using System.Net.Sockets;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Hub.Adapters.Email.Sending;

/// <summary>
/// Sends email over SMTP on a pooled connection. The result says what the pipeline should do: SMTP 2xx is
/// Sent (with the Message-ID as provider id), 4xx, timeouts and dropped connections are Transient, 5xx is
/// Permanent with the server's own reply. It never retries by itself.
/// </summary>
public sealed partial class SmtpSender(SmtpConnectionPool pool, TimeProvider clock, ILogger<SmtpSender> logger) : IChannelSender
{
    public const string ProviderName = "smtp";

    public IReadOnlyCollection<ChannelType> Channels { get; } = [ChannelType.Email];

    public string Provider => ProviderName;

    public async Task<SendResult> SendAsync(OutboundEnvelope message, CancellationToken cancellationToken)
    {
        MailServer? server;
        MimeMessage mime;
        try
        {
            server = MailServer.From(message.Settings, "smtp", 587, 465);
            mime = OutboundMimeBuilder.Build(message, clock.GetUtcNow());
        }
        catch (Exception ex) when (ex is FormatException or ParseException or ArgumentException)
        {
            return SendResult.Permanent($"The message can't be built: {ex.Message}");
        }

        if (server is null)
        {
            return SendResult.Permanent("The channel has no smtp_host setting.");
        }

        SmtpLease lease;
        try
        {
            lease = await pool.LeaseAsync(server, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(message.MessageId, server.ToString(), ex.Message);
            return Classify(ex);
        }

        using (lease)
        {
            try
            {
                await lease.Client.SendAsync(mime, cancellationToken);
                LogSent(message.MessageId, mime.MessageId!, lease.Reused);
                return SendResult.Sent(mime.MessageId);
            }
            catch (SmtpCommandException ex)
            {
                // A refused command leaves the session usable (MailKit resets it); anything else does not.
                if (!lease.Client.IsConnected)
                {
                    lease.MarkBroken();
                }

                LogFailed(message.MessageId, server.ToString(), ex.Message);
                return Classify(ex);
            }
            catch (Exception ex)
            {
                lease.MarkBroken();
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                LogFailed(message.MessageId, server.ToString(), ex.Message);
                return Classify(ex);
            }
        }
    }

    /// <summary>What a failure means for the retry policy.</summary>
    internal static SendResult Classify(Exception ex) => ex switch
    {
        SmtpCommandException { StatusCode: var code } command when (int)code >= 500 =>
            SendResult.Permanent($"{(int)code} {command.Message}".Trim()),
        SmtpCommandException { StatusCode: var code } command =>
            SendResult.Transient($"{(int)code} {command.Message}".Trim()),
        // A wrong password stays wrong until someone fixes the channel, but then the message should still go.
        AuthenticationException auth => SendResult.Transient($"SMTP authentication failed: {auth.Message}", TimeSpan.FromMinutes(5)),
        SmtpProtocolException or ServiceNotConnectedException or IOException or SocketException or TimeoutException
            or OperationCanceledException or SslHandshakeException or ProtocolException =>
            SendResult.Transient($"{ex.GetType().Name}: {ex.Message}"),
        _ => SendResult.Transient($"{ex.GetType().Name}: {ex.Message}"),
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent message {MessageId} as <{InternetMessageId}> (reused connection: {Reused})")]
    private partial void LogSent(Guid messageId, string internetMessageId, bool reused);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending message {MessageId} through {Server} failed: {Error}")]
    private partial void LogFailed(Guid messageId, string server, string error);
}
