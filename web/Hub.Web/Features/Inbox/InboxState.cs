using Hub.Core.Inbox;
using Hub.Core.Realtime;

namespace Hub.Web.Features.Inbox;

/// <summary>What the inbox page must still ask the API after a <c>message.received</c>.</summary>
/// <param name="FetchConversation">The message belongs to a conversation the list doesn't hold: fetch it and <see cref="InboxState.Fetched"/> it.</param>
/// <param name="MarkRead">The contact wrote into the conversation the agent has open: mark it read on the server too.</param>
public readonly record struct MessageReceivedFollowUp(bool FetchConversation, bool MarkRead);

/// <summary>
/// The inbox page's state — the list, the open conversation and its thread, who types and who else views — and the
/// rules that move it when the API answers or a live event arrives. No I/O: the page (<c>InboxPage.razor.cs</c>)
/// calls the API and the hub and hands the answers here, and where an event needs another request the method says so.
/// </summary>
/// <remarks>
/// The list stays ordered newest activity first and holds only what <see cref="Filter"/> admits; live updates of a
/// conversation the list never showed are admitted only when the filter can be checked here (see
/// <see cref="InboxFilter.Admits"/>). The thread stays ordered oldest first and holds each message once.
/// </remarks>
public sealed class InboxState(Guid? me, IReadOnlyDictionary<Guid, string> members)
{
    private readonly List<ConversationItem> _items = [];
    private readonly List<MessageItem> _messages = [];
    private readonly Dictionary<string, string> _typing = [];

    /// <summary>The signed-in member (from the <c>sub</c> claim), or null.</summary>
    public Guid? Me { get; } = me;

    /// <summary>Names of the workspace's members, by id.</summary>
    public IReadOnlyDictionary<Guid, string> Members { get; } = members;

    /// <summary>The listed conversations, newest activity first.</summary>
    public IReadOnlyList<ConversationItem> Items => _items;

    /// <summary>The open conversation's messages, oldest first.</summary>
    public IReadOnlyList<MessageItem> Messages => _messages;

    /// <summary>The list's filters.</summary>
    public InboxFilter Filter { get; set; } = new();

    /// <summary>The open conversation.</summary>
    public ConversationItem? Selected { get; private set; }

    /// <summary>The cursor of the list's next page, or null on the last one.</summary>
    public string? NextCursor { get; private set; }

    /// <summary>The highest sequence number seen on the workspace's stream: where a resume starts.</summary>
    public long? LastSeq { get; private set; }

    /// <summary>Names of those typing in the open conversation (not the signed-in member).</summary>
    public IReadOnlyList<string> Typists => [.. _typing.Values];

    /// <summary>Colleagues who view the open conversation too.</summary>
    public IReadOnlyList<Viewer> Viewers { get; private set; } = [];

    /// <summary>Unread messages over the listed conversations (the tab title counts them).</summary>
    public int UnreadTotal => _items.Sum(i => i.UnreadCount);

    /// <summary>A fresh first page of the list, replacing what was there.</summary>
    public void ShowList(IEnumerable<ConversationItem>? items, string? nextCursor)
    {
        _items.Clear();
        _items.AddRange(items ?? []);
        NextCursor = nextCursor;
    }

    /// <summary>The next page of the list, added after what is listed (a conversation already listed is not listed twice).</summary>
    public void AddPage(IEnumerable<ConversationItem> items, string? nextCursor)
    {
        _items.AddRange(items.Where(i => _items.TrueForAll(x => x.Id != i.Id)));
        NextCursor = nextCursor;
    }

    /// <summary>The listed conversation with this id, or null.</summary>
    public ConversationItem? Find(Guid id) => _items.Find(i => i.Id == id);

    /// <summary>
    /// A conversation's new state: moved to its place by last activity, or out of the list when the filter no longer
    /// admits it. <paramref name="listed"/>: it comes from the list (or the server's answer about a listed one), so filters
    /// only the server can check (sentiment, search) have already been applied.
    /// </summary>
    public void Put(ConversationItem item, bool listed)
    {
        var index = _items.FindIndex(i => i.Id == item.Id);
        if (index >= 0)
        {
            _items.RemoveAt(index);
        }

        if (Filter.Admits(item, Me, listed))
        {
            var at = _items.FindIndex(i => (i.LastMessageAt ?? i.CreatedAt) < (item.LastMessageAt ?? item.CreatedAt));
            _items.Insert(at < 0 ? _items.Count : at, item);
        }

        if (Selected?.Id == item.Id)
        {
            Selected = item;
        }
    }

    /// <summary>The conversation <paramref name="step"/> places down (1, j) or up (-1, k) the list from the open one, or null when that is where we are.</summary>
    public Guid? Step(int step)
    {
        if (_items.Count == 0)
        {
            return null;
        }

        var index = Selected is null ? -1 : _items.FindIndex(i => i.Id == Selected.Id);
        var next = Math.Clamp(index < 0 ? 0 : index + step, 0, _items.Count - 1);
        return _items[next].Id != Selected?.Id ? _items[next].Id : null;
    }

    /// <summary>Another conversation is being opened: the old one's typists and viewers no longer apply.</summary>
    public void Leave()
    {
        _typing.Clear();
        Viewers = [];
    }

    /// <summary>Opens a conversation; its thread is empty until <see cref="ShowThread"/>.</summary>
    public void Open(ConversationItem conversation)
    {
        Selected = conversation;
        _messages.Clear();
    }

    /// <summary>The open conversation's messages as the API lists them (newest first), replacing the thread.</summary>
    public void ShowThread(IEnumerable<MessageItem> newestFirst)
    {
        _messages.Clear();
        _messages.AddRange(newestFirst.Reverse());
    }

    /// <summary>A fresh copy of the open conversation from the API.</summary>
    public void Refresh(ConversationItem fresh)
    {
        if (Selected?.Id == fresh.Id)
        {
            Selected = fresh;
        }
    }

    /// <summary>The server marked the conversation read.</summary>
    public void MarkedRead(ConversationItem conversation) => Put(conversation with { UnreadCount = 0 }, listed: true);

    /// <summary>The server's answer to "assign to me" about the open conversation (it leaves out the contact's name and the unread count).</summary>
    public void Assigned(ConversationItem assigned)
    {
        if (Selected is not { } open || open.Id != assigned.Id)
        {
            return;
        }

        Put(assigned with { ContactName = open.ContactName, UnreadCount = open.UnreadCount }, listed: true); // Put moves Selected too
    }

    /// <summary>The server's answer to "resolve" about the open conversation (it leaves out the unread count).</summary>
    public void Resolved(ConversationItem resolved)
    {
        if (Selected is not { } open || open.Id != resolved.Id)
        {
            return;
        }

        var kept = resolved with { UnreadCount = open.UnreadCount };
        Put(kept, listed: true);
        Selected = kept;
    }

    /// <summary>A message of the open conversation, new or changed: put in its place by time, or replaced where it is.</summary>
    public void Upsert(MessageItem message)
    {
        if (Selected?.Id != message.ConversationId)
        {
            return;
        }

        var index = _messages.FindIndex(m => m.Id == message.Id);
        if (index >= 0)
        {
            _messages[index] = message;
        }
        else
        {
            var at = _messages.FindIndex(m => m.CreatedAt > message.CreatedAt);
            _messages.Insert(at < 0 ? _messages.Count : at, message);
        }
    }

    /// <summary>A sequenced event arrived: a resume starts after the highest one seen.</summary>
    public void Saw(long seq) => LastSeq = Math.Max(LastSeq ?? 0, seq);

    /// <summary>The hub can't replay the gap (<c>stream.resync</c>): the page reloads, and the stream continues from here.</summary>
    public void Resynced(long lastSeq) => LastSeq = lastSeq;

    /// <summary>
    /// <c>message.received</c>: into the open thread (the contact stops typing when their message lands), and the
    /// conversation moves up the list with one more unread unless it is open. Notes change neither list nor counts.
    /// </summary>
    public MessageReceivedFollowUp MessageReceived(MessagePayload p)
    {
        var open = Selected?.Id == p.ConversationId;
        if (open)
        {
            Upsert(MessageItem.From(p));
            if (p.Direction == MessageDirection.Inbound)
            {
                _typing.Remove(Selected!.ContactId.ToString());
            }
        }

        if (p.Direction == MessageDirection.Note)
        {
            return default;
        }

        var fetch = false;
        var unread = p.Direction == MessageDirection.Inbound && !open ? 1 : 0;
        if (Find(p.ConversationId) is { } listed)
        {
            Put(listed with
            {
                LastMessageAt = p.CreatedAt > (listed.LastMessageAt ?? DateTimeOffset.MinValue) ? p.CreatedAt : listed.LastMessageAt,
                UnreadCount = listed.UnreadCount + unread,
            }, listed: true);
        }
        else
        {
            fetch = true;
        }

        return new MessageReceivedFollowUp(fetch, open && p.Direction == MessageDirection.Inbound);
    }

    /// <summary>A conversation a live event named and the list didn't hold, as the API answered it.</summary>
    public void Fetched(ConversationItem conversation) => Put(conversation, listed: false);

    /// <summary><c>message.updated</c>: a status, a receipt or corrected labels of a message in the open thread.</summary>
    public void MessageUpdated(MessagePayload p)
    {
        if (Selected?.Id == p.ConversationId)
        {
            var index = _messages.FindIndex(m => m.Id == p.Id);
            Upsert(index >= 0 ? _messages[index].With(p) : MessageItem.From(p));
        }
    }

    /// <summary><c>conversation.updated</c>; true when the conversation is neither listed nor open and the page must fetch it.</summary>
    public bool ConversationUpdated(ConversationPayload p)
    {
        if (Find(p.Id) is { } listed)
        {
            Put(listed.With(p), listed: true);
            return false;
        }

        if (Selected is { } open && open.Id == p.Id)
        {
            Selected = open.With(p);
            Put(Selected, listed: false);
            return false;
        }

        return true;
    }

    /// <summary><c>typing.indicator</c> in the open conversation, by a member (named), the contact or someone else; never the signed-in member.</summary>
    public void Typing(TypingIndicator t)
    {
        if (Selected is not { } open || open.Id != t.ConversationId || t.UserId == Me?.ToString())
        {
            return;
        }

        if (t.IsTyping)
        {
            _typing[t.UserId] = Guid.TryParse(t.UserId, out var id) && Members.TryGetValue(id, out var name) ? name
                : t.UserId == open.ContactId.ToString() ? open.ContactName ?? "The contact" : "Someone";
        }
        else
        {
            _typing.Remove(t.UserId);
        }
    }

    /// <summary>Who views the open conversation (from <c>conversation.view</c> or <c>conversation.viewers</c>): colleagues, each once.</summary>
    public void ShowViewers(Guid conversationId, IReadOnlyList<Viewer> viewers)
    {
        if (Selected?.Id == conversationId)
        {
            Viewers = viewers.Where(v => v.MemberId != Me).DistinctBy(v => v.MemberId).ToList();
        }
    }
}
