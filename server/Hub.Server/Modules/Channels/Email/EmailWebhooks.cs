using System.Security.Cryptography;
using System.Text;
using Hub.Adapters.Email;
using Hub.Adapters.Email.Inbound;
using Hub.Core.Channels;
using Hub.Data;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Hub.Server.Modules.Channels.Email;

/// <summary>What the inbound email webhook did with a message.</summary>
/// <param name="Kind"><c>message</c> (threaded into a conversation) or <c>bounce</c> (a delivery report).</param>
/// <param name="ConversationId">The conversation the message went to (messages only).</param>
/// <param name="MessageId">The stored message (messages only).</param>
/// <param name="Duplicate">The Message-ID had been received before; nothing new was stored.</param>
/// <param name="BounceMatched">A report that named a message Hub sent (bounces only).</param>
public sealed record EmailWebhookResponse(string Kind, Guid? ConversationId, Guid? MessageId, bool Duplicate, bool? BounceMatched);

/// <summary>
/// <c>POST /webhooks/email/{channelId}/inbound</c>: for mail providers that POST each received message as raw
/// MIME (<c>message/rfc822</c>). The caller proves itself with the channel's <c>webhook_secret</c> setting, sent as
/// <c>X-Hub-Webhook-Secret</c> or <c>?secret=</c>; the message then takes the same path as mail read over IMAP.
/// </summary>
public static class EmailWebhooks
{
    public const string SecretHeader = "X-Hub-Webhook-Secret";
    public const string SecretSetting = "webhook_secret";

    private static readonly string[] MimeTypes = ["message/rfc822", "application/octet-stream", "text/plain"];

    public static IEndpointRouteBuilder MapEmailWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/email/{channelId:guid}/inbound", ReceiveAsync)
            .WithTags("Webhooks")
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithSummary("Receive one email as raw MIME");
        return app;
    }

    internal static async Task<Results<Ok<EmailWebhookResponse>, ProblemHttpResult>> ReceiveAsync(
        Guid channelId, HttpContext http, HubDbContext db, ChannelSecrets secrets, MailIntake intake, IOptions<EmailOptions> options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var request = http.Request;
        var secret = request.Headers[SecretHeader].FirstOrDefault() ?? request.Query["secret"].FirstOrDefault();
        if (string.IsNullOrEmpty(secret))
        {
            return Problem(StatusCodes.Status401Unauthorized, "Unauthorized", $"Send the channel's webhook secret in {SecretHeader}.");
        }

        var limit = options.Value.MaxInboundMessageBytes;
        if (request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        if (request.ContentType is { } contentType && !MimeTypes.Any(t => contentType.StartsWith(t, StringComparison.OrdinalIgnoreCase)))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the raw message as message/rfc822.");
        }

        // Unknown channel, no secret configured, wrong secret: one answer, so the endpoint says nothing about which channels exist.
        var stored = await db.Channels.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == channelId && c.Type == ChannelType.Email && c.IsActive, cancellationToken);
        var channel = stored is null ? null : secrets.Revealed(stored);
        if (channel is null || !SecretMatches(channel, secret))
        {
            return Problem(StatusCodes.Status403Forbidden, "Forbidden", "The webhook secret is not valid for this channel.");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit + 1;
        }

        using var body = await ReadLimitedAsync(request.Body, limit, cancellationToken);
        if (body is null)
        {
            return TooLarge(limit);
        }

        if (body.Length == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad request", "The body is empty; send the raw message.");
        }

        MimeMessage message;
        try
        {
            message = await MimeMessage.LoadAsync(body, cancellationToken);
        }
        catch (FormatException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad request", $"The body is not a MIME message: {ex.Message}");
        }

        var mailbox = EmailMailbox.From(channel);
        var arrival = new MimeParsing.Arrival(channel.WorkspaceId, channel.Id, mailbox.OwnAddress, clock.GetUtcNow());
        if (message.From.Mailboxes.FirstOrDefault() is null && !Hub.Adapters.Email.Bounces.DeliveryStatusReport.IsDeliveryReport(message))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad request", "The message has no From address.");
        }

        if (message.From.Mailboxes.FirstOrDefault()?.Address is { Length: > Inbox.InboundLimits.MaxAddress })
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad request", $"The From address is longer than {Inbox.InboundLimits.MaxAddress} characters.");
        }

        var result = await intake.AcceptAsync(message, arrival, cancellationToken);
        return TypedResults.Ok(result.IsBounce
            ? new EmailWebhookResponse("bounce", null, null, false, result.BounceMatched)
            : new EmailWebhookResponse("message", result.Inbound!.ConversationId, result.Inbound.MessageId, result.Inbound.Duplicate, null));
    }

    private static bool SecretMatches(Channel channel, string presented)
    {
        var settings = EmailChannelSettings.ToStrings(channel.Settings);
        if (!settings.TryGetValue(SecretSetting, out var expected) || string.IsNullOrEmpty(expected))
        {
            return false;
        }

        // Hash both so the comparison takes the same time whatever the lengths.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
    }

    /// <summary>The body, or null when it is longer than <paramref name="limit"/> (the rest is not read).</summary>
    private static async Task<MemoryStream?> ReadLimitedAsync(Stream source, long limit, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    await buffer.DisposeAsync();
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await buffer.DisposeAsync();
            return null;
        }

        buffer.Position = 0;
        return buffer;
    }

    private static ProblemHttpResult TooLarge(long limit) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"Messages larger than {limit} bytes are not accepted.");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);
}
