namespace Hub.Core.Members;

/// <summary>What an agent has said about their availability (presence is measured separately).</summary>
public enum MemberAvailability
{
    Online,
    Busy,
    Offline,
}
