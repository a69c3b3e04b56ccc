using System.ComponentModel.DataAnnotations;

namespace Hub.Adapters.Sms;

/// <summary>Settings of the Twilio SMS/WhatsApp channel (section <c>Twilio</c>); credentials and numbers live in the channel rows.</summary>
public sealed class TwilioOptions : IValidatableObject
{
    public const string Section = "Twilio";

    /// <summary>Where Twilio's REST API is; tests point it at a local fake.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://api.twilio.com");

    /// <summary>Time allowed for one API call; a call that takes longer is retried later by the delivery pipeline.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Hub's public URL as Twilio sees it (e.g. <c>https://hub.example.com</c>, with any path prefix the proxy adds).
    /// Twilio signs the URL it called, so behind a reverse proxy or TLS terminator the signature is checked against
    /// this instead of the URL the request reached Hub on. Also the base of the status-callback URL sent with each message.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>An SMS longer than this many segments fails at once instead of being sent (Twilio itself stops at 10).</summary>
    [Range(1, 100)]
    public int MaxSegments { get; set; } = 10;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsAbsoluteHttp(BaseUrl))
        {
            yield return new ValidationResult("BaseUrl must be an absolute http(s) URL.", [nameof(BaseUrl)]);
        }

        if (PublicBaseUrl is not null && !IsAbsoluteHttp(PublicBaseUrl))
        {
            yield return new ValidationResult("PublicBaseUrl must be an absolute http(s) URL, e.g. https://hub.example.com.", [nameof(PublicBaseUrl)]);
        }
    }

    private static bool IsAbsoluteHttp(Uri? url) =>
        url is { IsAbsoluteUri: true } && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp);
}
