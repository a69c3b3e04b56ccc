using System.Text.Json;
using Hub.Adapters.Sms;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Channels.Twilio;

/// <summary>
/// Twilio's webhooks for one SMS/WhatsApp channel: <c>POST /webhooks/twilio/{channelId}/inbound</c> (set it as the
/// number's or the Messaging Service's "a message comes in" URL) and <c>POST /webhooks/twilio/{channelId}/status</c>
/// (the status callback Hub sends with each message). Anonymous: the <c>X-Twilio-Signature</c>, made with the channel's
/// auth token over the URL Twilio called, is the authentication. The sending number is never compared with the
/// channel's own, so numbers from a Messaging Service pool are accepted like the channel's main number.
/// </summary>
public static partial class TwilioWebhooks
{
    private static readonly TimeSpan[] UnknownSidRetries = [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)];

    private const string EmptyTwiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

    public static IEndpointRouteBuilder MapTwilioWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webhooks/twilio/{channelId:guid}")
            .WithTags("Webhooks")
            .AllowAnonymous()
            .DisableAntiforgery();
        group.MapPost("/inbound", ReceiveAsync)
            .WithSummary("Receive an SMS or WhatsApp message from Twilio")
            .Produces(StatusCodes.Status200OK, contentType: "text/xml");
        group.MapPost("/status", StatusAsync)
            .WithSummary("Receive a Twilio message status callback");
        return app;
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> ReceiveAsync(
        Guid channelId, HttpContext http, HubDbContext db, ChannelSecrets secrets, IOptionsMonitor<TwilioOptions> options,
        [FromServices] IInboundProcessor? processor, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var (channel, form, refused) = await VerifyAsync(channelId, http, db, secrets, options.CurrentValue, loggers, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var inbound = TwilioWebhookForm.ToInbound(form!.Values, channel!.WorkspaceId, channel.Id, clock.GetUtcNow());
        if (inbound is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad request", "The form has no MessageSid or From.");
        }

        if (inbound.From.Length > Inbox.InboundLimits.MaxAddress)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad request", $"From is longer than {Inbox.InboundLimits.MaxAddress} characters.");
        }

        if (processor is null)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "Inbox unavailable", "This node does not process inbound messages.");
        }

        // STOP/START is saved in the message's own transaction: a failure loses neither, and Twilio's retry redoes both.
        var consent = TwilioConsent.StepFor(db, inbound, TwilioWebhookForm.Consent(form.Values), clock.GetUtcNow());
        await processor.ReceiveAsync(inbound, consent, cancellationToken);

        return TypedResults.Content(EmptyTwiml, "text/xml", System.Text.Encoding.UTF8);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> StatusAsync(
        Guid channelId, HttpContext http, HubDbContext db, ChannelSecrets secrets, IOptionsMonitor<TwilioOptions> options,
        [FromServices] IDeliveryStatusSink? sink, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var (channel, form, refused) = await VerifyAsync(channelId, http, db, secrets, options.CurrentValue, loggers, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var update = TwilioWebhookForm.ToStatusUpdate(form!.Values, channel!.WorkspaceId, clock.GetUtcNow());
        if (update is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad request", "The form has no MessageSid or MessageStatus.");
        }

        if (sink is null)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "Delivery unavailable", "This node does not process status callbacks.");
        }

        // Twilio may report "sent" before the delivery worker has stored the sid it got back (the API answer and the
        // callback race), so an unknown sid is looked up again a few times before it is given up on.
        var known = await sink.ApplyAsync(update, cancellationToken);
        foreach (var wait in UnknownSidRetries)
        {
            if (known)
            {
                break;
            }

            await Task.Delay(wait, clock, cancellationToken);
            known = await sink.ApplyAsync(update, cancellationToken);
        }

        if (!known)
        {
            LogUnknownMessage(loggers.CreateLogger(typeof(TwilioWebhooks)), channelId, update.ProviderMessageId);
        }

        // Twilio only needs a 2xx; an unknown message id is not its fault, and a retry would not find it either.
        return TypedResults.NoContent();
    }

    /// <summary>The channel and the verified form, or the answer that refuses the request.</summary>
    private static async Task<(Channel? Channel, TwilioForm? Form, ProblemHttpResult? Refused)> VerifyAsync(
        Guid channelId, HttpContext http, HubDbContext db, ChannelSecrets secrets, TwilioOptions options, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        // The caller is anonymous: no workspace is signed in, so the lookup crosses workspaces on purpose.
        var channel = await db.Channels.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == channelId && c.Provider == TwilioChannelSettings.Provider
                && (c.Type == ChannelType.Sms || c.Type == ChannelType.WhatsApp) && c.IsActive, cancellationToken);
        if (channel is null)
        {
            return (null, null, Problem(StatusCodes.Status404NotFound, "Not found", "No active Twilio channel has this id."));
        }

        if (!http.Request.HasFormContentType)
        {
            return (null, null, Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "Twilio webhooks are application/x-www-form-urlencoded."));
        }

        TwilioForm form;
        try
        {
            form = await TwilioForm.ReadAsync(http.Request, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            // Over the form limits (value length, field count): nothing Twilio sends, so not worth reading further.
            return (null, null, Problem(StatusCodes.Status400BadRequest, "Bad request", $"The form could not be read: {ex.Message}"));
        }

        var authToken = secrets.Reveal(channel).TryGetValue(TwilioChannelSettings.AuthToken, out var token) && token.ValueKind == JsonValueKind.String
            ? token.GetString()
            : null;
        var url = PublicUrl(http.Request, options);
        var signature = http.Request.Headers[TwilioSignature.Header].FirstOrDefault();
        if (string.IsNullOrEmpty(authToken) || !TwilioSignature.IsValid(authToken, url, form.Pairs, signature))
        {
            LogForged(loggers.CreateLogger(typeof(TwilioWebhooks)), channelId, string.IsNullOrEmpty(signature) ? "missing" : "wrong", url);
            return (null, null, Problem(StatusCodes.Status403Forbidden, "Forbidden",
                $"The {TwilioSignature.Header} header is missing or not valid for this channel."));
        }

        return (channel, form, null);
    }

    /// <summary>
    /// The URL Twilio called: <see cref="TwilioOptions.PublicBaseUrl"/> (which stands for the host's root, proxy prefix
    /// included) + path + query when set, otherwise the URL the request arrived on.
    /// </summary>
    internal static string PublicUrl(HttpRequest request, TwilioOptions options)
    {
        var pathAndQuery = request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        return options.PublicBaseUrl is { } publicBase
            ? publicBase.AbsoluteUri.TrimEnd('/') + pathAndQuery
            : $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}{pathAndQuery}";
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Twilio webhook for channel {ChannelId}: {Signature} signature for {Url}")]
    private static partial void LogForged(ILogger logger, Guid channelId, string signature, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio status callback on channel {ChannelId} for unknown message {MessageSid}")]
    private static partial void LogUnknownMessage(ILogger logger, Guid channelId, string messageSid);
}
