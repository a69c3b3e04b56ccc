using System.Text.Json;
using Hub.Core.Realtime;
using Hub.Data.Realtime;
namespace Hub.Server.Modules.Realtime;

/// <summary>
/// Sends a sequenced event to the right client method, live or replayed from the store. One place maps
/// event names to client methods, so a replayed event looks exactly like the live one.
/// </summary>
public static class StreamEventSender
{
    public static Task SendAsync(IAgentClient client, StoredEvent stored) => stored.Event switch
    {
        RealtimeEventNames.MessageReceived => client.MessageReceived(Typed<MessagePayload>(stored)),
        RealtimeEventNames.MessageUpdated => client.MessageUpdated(Typed<MessagePayload>(stored)),
        RealtimeEventNames.ConversationUpdated => client.ConversationUpdated(Typed<ConversationPayload>(stored)),
        RealtimeEventNames.SlaWarning => client.SlaWarning(Typed<SlaAlert>(stored)),
        RealtimeEventNames.SlaBreach => client.SlaBreach(Typed<SlaAlert>(stored)),
        _ => Task.CompletedTask,
    };

    public static Task SendAsync(IEndUserClient client, StoredEvent stored) => stored.Event switch
    {
        RealtimeEventNames.MessageReceived => client.MessageReceived(Typed<MessagePayload>(stored)),
        RealtimeEventNames.MessageUpdated => client.MessageUpdated(Typed<MessagePayload>(stored)),
        RealtimeEventNames.ConversationUpdated => client.ConversationUpdated(Typed<ConversationPayload>(stored)),
        RealtimeEventNames.NotificationPush => client.NotificationPush(Notification(stored)),
        _ => Task.CompletedTask,
    };

    // Data read back from JSON holds JsonElements; hand every protocol plain values, as the live push did.
    private static StreamEvent<PushNotificationMessage> Notification(StoredEvent stored)
    {
        var e = Typed<PushNotificationMessage>(stored);
        return e with { Data = e.Data with { Data = PlainData.From(e.Data.Data) } };
    }

    private static StreamEvent<T> Typed<T>(StoredEvent stored) =>
        new(stored.Stream, stored.Seq, stored.Event, stored.At, JsonSerializer.Deserialize<T>(stored.Data, EventStreamStore.Json)!);
}
