using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hub.Adapters.Sms;

/// <summary>One message to create through Twilio's Messages API.</summary>
public sealed record TwilioMessageRequest
{
    public required string AccountSid { get; init; }

    public required string AuthToken { get; init; }

    /// <summary>The recipient: <c>+15005550006</c>, or <c>whatsapp:+15005550006</c>.</summary>
    public required string To { get; init; }

    /// <summary>The sending number; ignored when <see cref="MessagingServiceSid"/> is set.</summary>
    public string? From { get; init; }

    /// <summary>Send from a Messaging Service's number pool instead of one number.</summary>
    public string? MessagingServiceSid { get; init; }

    public required string Body { get; init; }

    public IReadOnlyList<Uri> MediaUrls { get; init; } = [];

    public Uri? StatusCallback { get; init; }
}

/// <summary>Twilio's JSON for a message resource (the fields Hub reads).</summary>
public sealed record TwilioMessage
{
    [JsonPropertyName("sid")]
    public string? Sid { get; init; }

    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("to")]
    public string? To { get; init; }

    [JsonPropertyName("from")]
    public string? From { get; init; }

    [JsonPropertyName("messaging_service_sid")]
    public string? MessagingServiceSid { get; init; }

    [JsonPropertyName("body")]
    public string? Body { get; init; }

    /// <summary>When Twilio created the message, in RFC 2822 (<c>Tue, 01 Dec 2026 04:30:00 +0000</c>).</summary>
    [JsonPropertyName("date_created")]
    public string? DateCreated { get; init; }

    /// <summary><see cref="DateCreated"/> parsed; null when absent or unreadable.</summary>
    [JsonIgnore]
    public DateTimeOffset? Created => DateTimeOffset.TryParse(DateCreated, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    [JsonPropertyName("num_segments")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int? NumSegments { get; init; }

    [JsonPropertyName("error_code")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int? ErrorCode { get; init; }

    [JsonPropertyName("error_message")]
    public string? ErrorMessage { get; init; }
}

/// <summary>One page of Twilio's message list: <c>{"messages": […], "next_page_uri": "/2010-04-01/…" | null, …}</c>.</summary>
public sealed record TwilioMessagePage
{
    [JsonPropertyName("messages")]
    public IReadOnlyList<TwilioMessage>? Messages { get; init; }

    [JsonPropertyName("next_page_uri")]
    public string? NextPageUri { get; init; }
}

/// <summary>What Twilio answered to a list request: a page, or an error.</summary>
public sealed record TwilioListResponse(HttpStatusCode StatusCode, TwilioMessagePage? Page, TwilioError? Error)
{
    public bool IsSuccess => (int)StatusCode is >= 200 and < 300 && Page?.Messages is not null;
}

/// <summary>Twilio's JSON error body: <c>{"code": 21211, "message": "…", "more_info": "…", "status": 400}</c>.</summary>
public sealed record TwilioError
{
    [JsonPropertyName("code")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int? Code { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("more_info")]
    public string? MoreInfo { get; init; }

    [JsonPropertyName("status")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int? Status { get; init; }
}

/// <summary>Twilio's JSON for an account (the fields Hub reads).</summary>
public sealed record TwilioAccount
{
    [JsonPropertyName("sid")]
    public string? Sid { get; init; }

    [JsonPropertyName("friendly_name")]
    public string? FriendlyName { get; init; }

    /// <summary><c>active</c>, <c>suspended</c> or <c>closed</c>.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }
}

/// <summary>What Twilio answered to an account lookup: the account, or an error (20003 for wrong credentials).</summary>
public sealed record TwilioAccountResponse(HttpStatusCode StatusCode, TwilioAccount? Account, TwilioError? Error)
{
    public bool IsSuccess => (int)StatusCode is >= 200 and < 300 && Account?.Sid is not null;
}

/// <summary>What Twilio answered: the created message, or an error (with a <c>Retry-After</c> when it sent one).</summary>
public sealed record TwilioResponse(HttpStatusCode StatusCode, TwilioMessage? Message, TwilioError? Error, TimeSpan? RetryAfter)
{
    public bool IsSuccess => (int)StatusCode is >= 200 and < 300 && Message?.Sid is not null;
}

/// <summary>
/// Twilio's REST API over a typed <see cref="HttpClient"/> (the Twilio SDK is not used): form-encoded requests with
/// basic auth (account SID : auth token), JSON replies. Transport failures and timeouts surface as exceptions.
/// </summary>
public sealed class TwilioClient(HttpClient http, TimeProvider clock)
{
    /// <summary><c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>.</summary>
    public async Task<TwilioResponse> CreateMessageAsync(TwilioMessageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = new List<KeyValuePair<string, string>>
        {
            new("To", request.To),
            new("Body", request.Body),
        };
        if (!string.IsNullOrEmpty(request.MessagingServiceSid))
        {
            form.Add(new("MessagingServiceSid", request.MessagingServiceSid));
        }
        else if (!string.IsNullOrEmpty(request.From))
        {
            form.Add(new("From", request.From));
        }

        form.AddRange(request.MediaUrls.Select(u => new KeyValuePair<string, string>("MediaUrl", u.AbsoluteUri)));
        if (request.StatusCallback is not null)
        {
            form.Add(new("StatusCallback", request.StatusCallback.AbsoluteUri));
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, $"2010-04-01/Accounts/{Uri.EscapeDataString(request.AccountSid)}/Messages.json")
        {
            Content = new FormUrlEncodedContent(form),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{request.AccountSid}:{request.AuthToken}")));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await http.SendAsync(message, cancellationToken);
        var retryAfter = RetryAfter(response);
        if (response.IsSuccessStatusCode)
        {
            var created = await ReadJsonAsync<TwilioMessage>(response, cancellationToken);
            return new TwilioResponse(response.StatusCode, created, created?.Sid is null ? Unreadable(response) : null, retryAfter);
        }

        var error = await ReadJsonAsync<TwilioError>(response, cancellationToken) ?? Unreadable(response);
        return new TwilioResponse(response.StatusCode, null, error, retryAfter);
    }

    /// <summary>
    /// <c>GET /2010-04-01/Accounts/{AccountSid}/Messages.json?To=…&amp;From=…&amp;PageSize=…</c> (newest first), or the
    /// <c>next_page_uri</c> of an earlier page when <paramref name="pageUri"/> is given.
    /// </summary>
    public async Task<TwilioListResponse> ListMessagesAsync(string accountSid, string authToken, string to, string? from, int pageSize, string? pageUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountSid);
        ArgumentNullException.ThrowIfNull(to);
        var uri = pageUri is { Length: > 0 }
            ? pageUri.TrimStart('/')
            : $"2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/Messages.json?To={Uri.EscapeDataString(to)}"
              + (string.IsNullOrEmpty(from) ? string.Empty : $"&From={Uri.EscapeDataString(from)}")
              + $"&PageSize={pageSize.ToString(CultureInfo.InvariantCulture)}";
        using var message = new HttpRequestMessage(HttpMethod.Get, uri);
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}")));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(message, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            var page = await ReadJsonAsync<TwilioMessagePage>(response, cancellationToken);
            return new TwilioListResponse(response.StatusCode, page, page?.Messages is null ? Unreadable(response) : null);
        }

        return new TwilioListResponse(response.StatusCode, null, await ReadJsonAsync<TwilioError>(response, cancellationToken) ?? Unreadable(response));
    }

    /// <summary><c>GET /2010-04-01/Accounts/{AccountSid}.json</c>: checks the credentials without sending anything.</summary>
    public async Task<TwilioAccountResponse> FetchAccountAsync(string accountSid, string authToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountSid);
        using var message = new HttpRequestMessage(HttpMethod.Get, $"2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}.json");
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}")));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(message, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            var account = await ReadJsonAsync<TwilioAccount>(response, cancellationToken);
            return new TwilioAccountResponse(response.StatusCode, account, account?.Sid is null ? Unreadable(response) : null);
        }

        return new TwilioAccountResponse(response.StatusCode, null, await ReadJsonAsync<TwilioError>(response, cancellationToken) ?? Unreadable(response));
    }

    private static async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            // Not JSON at all (a proxy's HTML error page).
            return null;
        }
    }

    private static TwilioError Unreadable(HttpResponseMessage response) => new()
    {
        Status = (int)response.StatusCode,
        Message = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase} without a Twilio error body",
    };

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta;
        }

        return header.Date is { } date ? Max(date - clock.GetUtcNow()) : null;
    }

    private static TimeSpan Max(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;

    internal static string Describe(TwilioError error) =>
        TwilioStatus.Reason(error.Code, error.Message) ?? $"HTTP {error.Status?.ToString(CultureInfo.InvariantCulture) ?? "?"}";
}
