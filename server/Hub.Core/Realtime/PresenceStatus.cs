namespace Hub.Core.Realtime;

/// <summary>Whether someone is there. Online while any of their tabs or devices says so.</summary>
public enum PresenceStatus
{
    Online,
    Away,
    Offline,
}
