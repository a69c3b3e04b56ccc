using System.Text;
using Hub.Core.Channels;
using Hub.Core.Inbox;

namespace Hub.Web.Features.Inbox;

/// <summary>Whose conversations the list shows.</summary>
public enum InboxScope
{
    Mine,
    Unassigned,
    All,
}

/// <summary>The inbox list's filters, and the API query they make.</summary>
public sealed record InboxFilter(
    InboxScope Scope = InboxScope.All,
    ConversationStatus? Status = ConversationStatus.Open,
    ChannelType? Channel = null,
    string? Label = null,
    string? Sentiment = null,
    string? Search = null)
{
    public const int PageSize = 30;

    /// <summary>The list request: <c>api/v1/conversations?limit=…&amp;assignee=…&amp;status=…</c>.</summary>
    public string Query(string? cursor = null)
    {
        var query = new StringBuilder($"api/v1/conversations?limit={PageSize}");
        Add(query, "assignee", Scope switch { InboxScope.Mine => "me", InboxScope.Unassigned => "unassigned", _ => null });
        Add(query, "status", Status is { } s ? WireName.Of(s) : null);
        Add(query, "channel", Channel is { } c ? WireName.Of(c) : null);
        Add(query, "label", Label);
        Add(query, "sentiment", Sentiment);
        Add(query, "q", Search);
        Add(query, "cursor", cursor);
        return query.ToString();
    }

    /// <summary>
    /// Whether a conversation pushed live belongs in the list. Sentiment and search are the server's to decide:
    /// with either set, only conversations already listed are updated.
    /// </summary>
    public bool Admits(ConversationItem c, Guid? me, bool listed) =>
        (Scope != InboxScope.Mine || (me is not null && c.AssigneeId == me))
        && (Scope != InboxScope.Unassigned || c.AssigneeId is null)
        && (Status is null || c.Status == Status)
        && (Channel is null || c.Channel == Channel)
        && (string.IsNullOrWhiteSpace(Label) || c.Labels.Contains(Label.Trim().ToLowerInvariant()))
        && (listed || (string.IsNullOrWhiteSpace(Sentiment) && string.IsNullOrWhiteSpace(Search)));

    private static void Add(StringBuilder query, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value.Trim()));
        }
    }
}
