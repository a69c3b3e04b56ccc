using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Delivery;

/// <summary>
/// The embedded default's stand-in for real providers (channel provider <c>dev-sink</c>): writes each message
/// it would have sent as a JSON file and says so loudly. Nothing leaves the machine.
/// </summary>
public sealed partial class DevSinkSender(IOptions<DeliveryOptions> options, IHostEnvironment environment, ILogger<DevSinkSender> logger) : IChannelSender
{
    public const string ProviderName = "dev-sink";

    public IReadOnlyCollection<ChannelType> Channels { get; } = [ChannelType.Email, ChannelType.Sms, ChannelType.WhatsApp, ChannelType.Push];

    public string Provider => ProviderName;

    public async Task<SendResult> SendAsync(OutboundEnvelope message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var folder = Path.GetFullPath(options.Value.DevSinkPath, environment.ContentRootPath);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{message.MessageId:N}.json");
        var written = new
        {
            message.MessageId,
            message.Channel,
            message.From,
            message.To,
            message.Subject,
            message.Text,
            message.Html,
            message.InReplyTo,
            message.References,
            message.Headers,
            message.IdempotencyKey,
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(written, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        LogWritten(logger, message.Channel, path);
        return SendResult.Sent($"dev-sink-{message.MessageId:N}");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DEV SINK: a {Channel} message was NOT sent; it was written to {Path}. Configure a real provider on the channel to send.")]
    private static partial void LogWritten(ILogger logger, ChannelType channel, string path);
}
