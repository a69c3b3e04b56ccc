using Hub.Core.Notifications;

namespace Hub.Server.Modules.Notifications;

/// <summary>
/// Told when a user's device acknowledges a push as opened or clicked, after the acknowledgement is saved. Campaigns
/// count their pushes' opens this way, so Notifications needs to know nothing of campaigns.
/// </summary>
public interface INotificationAckObserver
{
    /// <param name="notification">The acknowledged push (its <c>Data</c> says what sent it).</param>
    /// <param name="firstOpen">This acknowledgement is the push's first open.</param>
    /// <param name="firstClick">This acknowledgement is the push's first click.</param>
    void Acknowledged(Notification notification, bool firstOpen, bool firstClick);
}
