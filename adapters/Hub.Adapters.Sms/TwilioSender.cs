using System.Net;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Adapters.Sms;

/// <summary>
/// Sends SMS and WhatsApp messages through Twilio (provider <c>twilio</c>). It does not retry by itself: 429, 5xx,
/// timeouts and broken connections come back as transient failures (with Twilio's <c>Retry-After</c>) for the delivery
/// pipeline to retry with backoff; any other 4xx (a bad number, an unsubscribed recipient) fails at once with
/// Twilio's code and message.
/// </summary>
public sealed partial class TwilioSender(TwilioClient client, IOptionsMonitor<TwilioOptions> options, ILogger<TwilioSender> logger) : IChannelSender, IDeliveryLookup
{
    private const int LookupPageSize = 50;
    private const int LookupMaxPages = 10;

    public IReadOnlyCollection<ChannelType> Channels { get; } = [ChannelType.Sms, ChannelType.WhatsApp];

    public string Provider => TwilioChannelSettings.Provider;

    public async Task<SendResult> SendAsync(OutboundEnvelope message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Channels.Contains(message.Channel))
        {
            return SendResult.Permanent($"Twilio does not carry {message.Channel} messages.");
        }

        var settings = message.Settings;
        var accountSid = settings.GetValueOrDefault(TwilioChannelSettings.AccountSid);
        var authToken = settings.GetValueOrDefault(TwilioChannelSettings.AuthToken);
        if (string.IsNullOrWhiteSpace(accountSid) || string.IsNullOrWhiteSpace(authToken))
        {
            return SendResult.Permanent("The Twilio channel has no account_sid or auth_token setting.");
        }

        if (string.IsNullOrWhiteSpace(message.To))
        {
            return SendResult.Permanent("The message has no recipient number.");
        }

        var current = options.CurrentValue;
        if (message.Channel == ChannelType.Sms)
        {
            var count = SmsSegments.Count(message.Text);
            if (count.Segments > current.MaxSegments)
            {
                return SendResult.Permanent(
                    $"The message needs {count.Segments} {count.Encoding} segments; at most {current.MaxSegments} are allowed.");
            }
        }

        var serviceSid = settings.GetValueOrDefault(TwilioChannelSettings.MessagingServiceSid);
        if (string.IsNullOrWhiteSpace(serviceSid) && TwilioChannelSettings.IsMessagingServiceSid(message.From))
        {
            serviceSid = message.From;
        }

        var from = string.IsNullOrWhiteSpace(message.From) ? settings.GetValueOrDefault(TwilioChannelSettings.From) : message.From;
        if (string.IsNullOrWhiteSpace(serviceSid) && string.IsNullOrWhiteSpace(from))
        {
            return SendResult.Permanent("The Twilio channel has neither a from number nor a messaging_service_sid.");
        }

        var whatsApp = message.Channel == ChannelType.WhatsApp;
        var request = new TwilioMessageRequest
        {
            AccountSid = accountSid,
            AuthToken = authToken,
            To = whatsApp ? TwilioChannelSettings.WhatsApp(message.To) : message.To.Trim(),
            From = string.IsNullOrWhiteSpace(serviceSid) ? (whatsApp ? TwilioChannelSettings.WhatsApp(from!) : from!.Trim()) : null,
            MessagingServiceSid = string.IsNullOrWhiteSpace(serviceSid) ? null : serviceSid.Trim(),
            Body = message.Text,
            MediaUrls = message.Attachments.Where(a => a.Url is not null && Uri.TryCreate(a.Url, UriKind.Absolute, out _)).Select(a => new Uri(a.Url!)).ToList(),
            StatusCallback = StatusCallback(message, current),
        };

        TwilioResponse response;
        try
        {
            response = await client.CreateMessageAsync(request, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The request went out: Twilio may have created the message and only its answer is late.
            return SendResult.InDoubt($"Twilio did not answer within {current.RequestTimeout.TotalSeconds:0.#} s; the message may have been created.");
        }
        catch (HttpRequestException ex) when (NeverSent(ex))
        {
            return SendResult.Transient($"Twilio could not be reached: {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            return SendResult.InDoubt($"The connection to Twilio was lost before its answer; the message may have been created: {ex.Message}");
        }

        if (response.IsSuccess)
        {
            var created = response.Message!;
            if (created.Status is "failed" or "undelivered")
            {
                return SendResult.Permanent(TwilioStatus.Reason(created.ErrorCode, created.ErrorMessage) ?? $"Twilio status '{created.Status}'");
            }

            LogSent(logger, message.MessageId, created.Sid!, created.NumSegments);
            return SendResult.Sent(created.Sid);
        }

        var error = response.Error ?? new TwilioError { Status = (int)response.StatusCode };
        var reason = TwilioClient.Describe(error);
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
        {
            LogTransient(logger, message.MessageId, status, error.Code);
            return SendResult.Transient(reason, response.RetryAfter);
        }

        LogRefused(logger, message.MessageId, status, error.Code);
        return SendResult.Permanent(reason);
    }

    /// <summary>
    /// Lists Twilio's messages to the envelope's recipient from its sender (newest first, <c>PageSize</c> 50) and
    /// returns the SIDs of those with the same body created at or after <paramref name="since"/>. It filters on
    /// <c>date_created</c> itself rather than Twilio's <c>DateSent</c> filter: a message still queued at Twilio has no
    /// <c>date_sent</c> yet and would be missed. The status callback URL names the channel, not the message, so it
    /// cannot tell two messages apart; the caller drops SIDs that already belong to other messages.
    /// </summary>
    public async Task<DeliveryLookupResult> LookupAsync(OutboundEnvelope message, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = message.Settings;
        var accountSid = settings.GetValueOrDefault(TwilioChannelSettings.AccountSid);
        var authToken = settings.GetValueOrDefault(TwilioChannelSettings.AuthToken);
        if (!Channels.Contains(message.Channel) || string.IsNullOrWhiteSpace(accountSid) || string.IsNullOrWhiteSpace(authToken) || string.IsNullOrWhiteSpace(message.To))
        {
            return DeliveryLookupResult.Unknown("The Twilio channel has no credentials or the message no recipient.");
        }

        var serviceSid = settings.GetValueOrDefault(TwilioChannelSettings.MessagingServiceSid);
        if (string.IsNullOrWhiteSpace(serviceSid) && TwilioChannelSettings.IsMessagingServiceSid(message.From))
        {
            serviceSid = message.From;
        }

        var whatsApp = message.Channel == ChannelType.WhatsApp;
        var fromSetting = string.IsNullOrWhiteSpace(message.From) ? settings.GetValueOrDefault(TwilioChannelSettings.From) : message.From;
        var from = !string.IsNullOrWhiteSpace(serviceSid) || string.IsNullOrWhiteSpace(fromSetting) ? null
            : whatsApp ? TwilioChannelSettings.WhatsApp(fromSetting) : fromSetting.Trim();
        var to = whatsApp ? TwilioChannelSettings.WhatsApp(message.To) : message.To.Trim();
        var body = message.Text.Trim();
        var found = new List<string>();
        string? next = null;
        for (var pages = 0; pages < LookupMaxPages; pages++)
        {
            TwilioListResponse response;
            try
            {
                response = await client.ListMessagesAsync(accountSid, authToken, to, from, LookupPageSize, next, cancellationToken);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return DeliveryLookupResult.Unknown($"Twilio's message list did not answer within {options.CurrentValue.RequestTimeout.TotalSeconds:0.#} s.");
            }
            catch (HttpRequestException ex)
            {
                return DeliveryLookupResult.Unknown($"Twilio's message list could not be reached: {ex.Message}");
            }

            if (!response.IsSuccess)
            {
                return DeliveryLookupResult.Unknown($"Twilio's message list answered {TwilioClient.Describe(response.Error ?? new TwilioError { Status = (int)response.StatusCode })}.");
            }

            var older = 0;
            var listed = response.Page!.Messages!;
            foreach (var listedMessage in listed)
            {
                if (listedMessage.Created is not { } created)
                {
                    return DeliveryLookupResult.Unknown("Twilio listed a message without a readable date_created.");
                }

                if (created < since)
                {
                    older++;
                }
                else if (listedMessage.Sid is { Length: > 0 } sid && string.Equals(listedMessage.Body?.Trim(), body, StringComparison.Ordinal)
                    && (string.IsNullOrWhiteSpace(serviceSid) || string.Equals(listedMessage.MessagingServiceSid, serviceSid.Trim(), StringComparison.Ordinal)))
                {
                    found.Add(sid);
                }
            }

            next = response.Page.NextPageUri;
            if (string.IsNullOrEmpty(next) || (listed.Count > 0 && older == listed.Count))
            {
                return found.Count > 0 ? DeliveryLookupResult.Found(found) : DeliveryLookupResult.NotFound;
            }
        }

        return found.Count > 0
            ? DeliveryLookupResult.Found(found)
            : DeliveryLookupResult.Unknown($"Twilio listed more than {LookupMaxPages * LookupPageSize} messages to {to} since {since:u}; gave up looking.");
    }

    /// <summary>The envelope's callback, else the channel's explicit one, else Hub's webhook for the channel under the public URL.</summary>
    private static Uri? StatusCallback(OutboundEnvelope message, TwilioOptions options)
    {
        if (message.StatusCallback is not null)
        {
            return message.StatusCallback;
        }

        if (message.Settings.GetValueOrDefault(TwilioChannelSettings.StatusCallback) is { Length: > 0 } configured
            && Uri.TryCreate(configured, UriKind.Absolute, out var explicitUrl))
        {
            return explicitUrl;
        }

        return options.PublicBaseUrl is { } publicBase
            && Guid.TryParse(message.Settings.GetValueOrDefault(TwilioChannelSettings.ChannelId), out var channelId)
            ? TwilioChannelSettings.StatusCallbackUrl(publicBase, channelId)
            : null;
    }

    /// <summary>Failures before a byte of the request reached Twilio: retrying them cannot send twice.</summary>
    private static bool NeverSent(HttpRequestException exception) => exception.HttpRequestError is HttpRequestError.ConnectionError
        or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Twilio accepted message {MessageId} as {MessageSid} ({Segments} segments)")]
    private static partial void LogSent(ILogger logger, Guid messageId, string messageSid, int? segments);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio answered {HttpStatus} (code {TwilioCode}) for message {MessageId}; will retry")]
    private static partial void LogTransient(ILogger logger, Guid messageId, int httpStatus, int? twilioCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio refused message {MessageId}: HTTP {HttpStatus}, code {TwilioCode}")]
    private static partial void LogRefused(ILogger logger, Guid messageId, int httpStatus, int? twilioCode);
}
