using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Hub.Adapters.Sms;
using Hub.Core.Channels;
using Hub.Server.Modules.Channels.Api;
using Hub.Web.Services;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Channels.Twilio;

/// <summary>
/// The connection check of a Twilio SMS or WhatsApp channel, sending nothing: (1) the account SID and auth token sign in
/// to Twilio's API (the account lookup), and (2) the signature self-test — Hub signs a status callback with the channel's
/// auth token exactly as Twilio would and posts it to the channel's status webhook at the public address Twilio is told
/// to call (<c>Twilio:PublicBaseUrl</c>, else this process's own address). The webhook answering "no MessageStatus"
/// means the request got through and the signature was accepted; a 403 means Twilio's real callbacks would be refused
/// too (usually a proxy that changes the URL: set <c>Twilio:PublicBaseUrl</c>).
/// </summary>
public sealed class TwilioChannelCheck(TwilioClient twilio, IHttpClientFactory clients, IOptionsMonitor<TwilioOptions> options, OwnServerAddress own)
{
    /// <summary>The named client the self-test posts with (no retries, no redirects).</summary>
    public const string SelfTestClient = "twilio-self-test";

    public async Task<IReadOnlyList<MailServerCheck>> RunAsync(Channel channel, IReadOnlyDictionary<string, JsonElement> settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(settings);
        var sid = Text(settings, TwilioChannelSettings.AccountSid);
        var token = Text(settings, TwilioChannelSettings.AuthToken);
        return [await AccountAsync(sid, token, cancellationToken), await SignatureAsync(channel.Id, sid, token, cancellationToken)];
    }

    private async Task<MailServerCheck> AccountAsync(string? sid, string? token, CancellationToken cancellationToken)
    {
        var api = options.CurrentValue.BaseUrl;
        var started = Stopwatch.GetTimestamp();
        MailServerCheck Result(bool ok, string? greeting, string? detail) =>
            new("twilio", api.Host, api.Port, ok, greeting, api.Scheme == Uri.UriSchemeHttps, ok, detail, [], ChannelCheckApi.Elapsed(started));
        if (string.IsNullOrEmpty(sid) || string.IsNullOrEmpty(token))
        {
            return Result(false, null, "Set the Account SID and the Auth Token first.");
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ChannelCheckApi.Timeout);
            var answer = await twilio.FetchAccountAsync(sid, token, timeout.Token);
            if (answer.IsSuccess)
            {
                var account = answer.Account!;
                return account.Status is null or "active"
                    ? Result(true, $"Signed in to {account.FriendlyName ?? account.Sid} ({account.Status ?? "active"})", null)
                    : Result(false, $"Account {account.FriendlyName ?? account.Sid}", $"The Twilio account is {account.Status}: it can't send.");
            }

            var error = answer.Error;
            return Result(false, null, answer.StatusCode == HttpStatusCode.Unauthorized || error?.Code == 20003
                ? $"Twilio refused the Account SID and Auth Token ({error?.Code ?? 20003} {error?.Message ?? "Authenticate"})."
                : $"Twilio answered HTTP {(int)answer.StatusCode}: {error?.Code} {error?.Message}".TrimEnd());
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Result(false, null, ex is OperationCanceledException ? $"Twilio did not answer within {ChannelCheckApi.Timeout.TotalSeconds:0} s." : ex.Message);
        }
    }

    private async Task<MailServerCheck> SignatureAsync(Guid channelId, string? sid, string? token, CancellationToken cancellationToken)
    {
        var publicBase = options.CurrentValue.PublicBaseUrl ?? own.Http;
        var started = Stopwatch.GetTimestamp();
        if (publicBase is null)
        {
            return new("webhook", "", 0, false, null, false, false,
                "Hub does not know the address Twilio reaches it on: set Twilio:PublicBaseUrl.", [], ChannelCheckApi.Elapsed(started));
        }

        var url = new Uri(publicBase.AbsoluteUri.TrimEnd('/') + $"/webhooks/twilio/{channelId}/status");
        MailServerCheck Result(bool ok, string? greeting, string? detail) =>
            new("webhook", url.Host, url.Port, ok, greeting, url.Scheme == Uri.UriSchemeHttps, ok, detail, [url.AbsoluteUri], ChannelCheckApi.Elapsed(started));
        if (string.IsNullOrEmpty(token))
        {
            return Result(false, null, "Set the Auth Token first: Twilio signs its webhooks with it.");
        }

        // A status callback without a MessageStatus: accepted by the signature check, then refused as incomplete, so it
        // changes nothing.
        KeyValuePair<string, string>[] form = [new("AccountSid", sid ?? ""), new("MessageSid", "SMhubselftest")];
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignature.Header, TwilioSignature.Compute(token, url.AbsoluteUri, form));
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ChannelCheckApi.Timeout);
            using var response = await clients.CreateClient(SelfTestClient).SendAsync(request, timeout.Token);
            return response.StatusCode switch
            {
                HttpStatusCode.BadRequest => Result(true, "Signature accepted", $"A request signed like Twilio's reached {url.AbsoluteUri} and was accepted."),
                HttpStatusCode.Forbidden => Result(false, null,
                    $"{url.AbsoluteUri} refused a correctly signed request: the URL Hub checks signatures against is not the one requests arrive on. Behind a proxy, set Twilio:PublicBaseUrl to the address Twilio calls."),
                HttpStatusCode.NotFound => Result(false, null, $"{url.AbsoluteUri} answered 404: the channel is disabled, or the address is not this Hub."),
                _ => Result(false, null, $"{url.AbsoluteUri} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}."),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Result(false, null, $"Could not reach {url.AbsoluteUri}: {(ex is OperationCanceledException ? "no answer in time" : ex.Message)}. Twilio must be able to reach this address.");
        }
    }

    private static string? Text(IReadOnlyDictionary<string, JsonElement> settings, string key) =>
        settings.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
