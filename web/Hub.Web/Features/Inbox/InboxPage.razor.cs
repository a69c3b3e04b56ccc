using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Web.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.JSInterop;
using MudBlazor;

namespace Hub.Web.Features.Inbox;

/// <summary>
/// The shared inbox: conversations · thread · contact. The state and its rules are <see cref="InboxState"/>; this part
/// calls the API as the member, listens on <c>/hubs/agent</c> (resuming from the last sequence number after a dropped
/// connection), tells colleagues which conversation it views, and takes the keyboard shortcuts from <c>hub.js</c>.
/// </summary>
public sealed partial class InboxPage : IAsyncDisposable
{
    private readonly List<IDisposable> _subscriptions = [];
    private readonly CancellationTokenSource _stopping = new();
    private InboxState _state = new(null, new Dictionary<Guid, string>());
    private ReplyBox? _reply;
    private bool _loading = true;
    private bool _contactOpen;
    private ApiProblem? _problem;
    private DateTimeOffset _now = DateTimeOffset.UtcNow;
    private HubConnectionState _connection = HubConnectionState.Connected;
    private DotNetObjectReference<InboxPage>? _self;
    private int? _keys;

    [Inject]
    private HubApi Api { get; set; } = default!;

    [Inject]
    private AgentConnection Hub { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    /// <summary>The conversation to open (<c>/inbox/{id}</c>).</summary>
    [Parameter]
    public Guid? ConversationId { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState>? AuthState { get; set; }

    protected override async Task OnInitializedAsync()
    {
        Guid? me = AuthState is not null && Guid.TryParse((await AuthState).User.FindFirst("sub")?.Value, out var id) ? id : null;
        var members = await Api.GetAsync<List<MemberItem>>("api/v1/members");
        _state = new InboxState(me, members.Value?.ToDictionary(m => m.Id, m => m.DisplayName) ?? []);
        await SubscribeAsync();
        await LoadListAsync();
        _ = TickAsync(_stopping.Token);
    }

    protected override async Task OnParametersSetAsync()
    {
        if (ConversationId is { } id && id != _state.Selected?.Id)
        {
            await OpenAsync(id);
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _self = DotNetObjectReference.Create(this);
            _keys = await JS.InvokeAsync<int?>("hub.inboxKeys.register", _self);
        }
    }

    /// <summary>A keyboard shortcut from <c>hub.js</c> (never while the agent types in a field).</summary>
    [JSInvokable]
    public async Task ShortcutAsync(string key)
    {
        switch (key)
        {
            case "j":
                await StepAsync(1);
                break;
            case "k":
                await StepAsync(-1);
                break;
            case "r" when _reply is not null:
                await _reply.FocusAsync();
                break;
            case "e" when _state.Selected is not null:
                await ResolveAsync();
                break;
            case "a" when _state.Selected is not null:
                await AssignToMeAsync();
                break;
            default:
                return;
        }

        StateHasChanged();
    }

    private async Task StepAsync(int step)
    {
        if (_state.Step(step) is { } next)
        {
            await SelectAsync(next);
        }
    }

    // ---- list ----

    private async Task FilterAsync(InboxFilter filter)
    {
        _state.Filter = filter;
        await LoadListAsync();
    }

    private async Task LoadListAsync()
    {
        _loading = true;
        var page = await Api.GetAsync<ApiPage<ConversationItem>>(_state.Filter.Query());
        _problem = page.Problem;
        _state.ShowList(page.Value?.Items, page.Value?.NextCursor);
        _loading = false;
    }

    private async Task MoreAsync()
    {
        var page = await Api.GetAsync<ApiPage<ConversationItem>>(_state.Filter.Query(_state.NextCursor));
        _problem = page.Problem;
        if (page.Value is { } value)
        {
            _state.AddPage(value.Items, value.NextCursor);
        }
    }

    // ---- thread ----

    private async Task SelectAsync(Guid id)
    {
        await OpenAsync(id);
        Navigation.NavigateTo($"inbox/{id}");
    }

    private async Task OpenAsync(Guid id)
    {
        if (_state.Selected is { } previous && previous.Id != id)
        {
            await TellAsync(RealtimeEventNames.ConversationLeave, previous.Id);
        }

        _state.Leave();
        var conversation = _state.Find(id);
        if (conversation is null)
        {
            var fetched = await Api.GetAsync<ConversationItem>($"api/v1/conversations/{id}");
            if (fetched.Value is null)
            {
                Snackbar.Add(fetched.Problem?.Summary ?? "Conversation not found.", Severity.Warning);
                return;
            }

            conversation = fetched.Value;
        }

        _state.Open(conversation);
        var messages = await Api.GetAsync<ApiPage<MessageItem>>($"api/v1/conversations/{id}/messages?limit=100");
        if (messages.Value is { } thread)
        {
            _state.ShowThread(thread.Items);
        }

        if (messages.Problem is { } problem)
        {
            Snackbar.Add(problem.Summary, Severity.Error);
        }

        if (conversation.UnreadCount > 0)
        {
            await Api.PostAsync<object>($"api/v1/conversations/{conversation.Id}/read", null);
            _state.MarkedRead(conversation);
        }

        try
        {
            _state.ShowViewers(id, await Hub.InvokeAsync<IReadOnlyList<Viewer>>(RealtimeEventNames.ConversationView, new ConversationRef(id)));
        }
        catch (Exception e) when (Offline(e))
        {
            // viewers are best effort: the thread works without them
        }
    }

    private void Upsert(MessageItem message) => _state.Upsert(message);

    private async Task AssignToMeAsync()
    {
        if (_state.Selected is not { } open || _state.Me is not { } me)
        {
            return;
        }

        var result = await Api.PostAsync<ConversationItem>($"api/v1/conversations/{open.Id}/assign", new AssignBody(me));
        if (result.Value is { } assigned)
        {
            _state.Assigned(assigned);
            Snackbar.Add("Assigned to you.", Severity.Success);
        }
        else
        {
            Snackbar.Add(result.Problem!.Summary, Severity.Error);
        }
    }

    private async Task ResolveAsync()
    {
        if (_state.Selected is not { } open || open.Status == ConversationStatus.Resolved)
        {
            return;
        }

        var result = await Api.PatchAsync<ConversationItem>($"api/v1/conversations/{open.Id}", new StatusBody(ConversationStatus.Resolved));
        if (result.Value is { } resolved)
        {
            _state.Resolved(resolved);
            Snackbar.Add("Resolved.", Severity.Success);
        }
        else
        {
            Snackbar.Add(result.Problem!.Summary, Severity.Error);
        }
    }

    // ---- live ----

    private async Task SubscribeAsync()
    {
        try
        {
            _subscriptions.Add(await Hub.OnAsync<StreamEvent<MessagePayload>>(RealtimeEventNames.MessageReceived, e => Live(e.Seq, () => MessageReceivedAsync(e.Data))));
            _subscriptions.Add(await Hub.OnAsync<StreamEvent<MessagePayload>>(RealtimeEventNames.MessageUpdated, e => Live(e.Seq, () => _state.MessageUpdated(e.Data))));
            _subscriptions.Add(await Hub.OnAsync<StreamEvent<ConversationPayload>>(RealtimeEventNames.ConversationUpdated, e => Live(e.Seq, () => ConversationUpdatedAsync(e.Data))));
            _subscriptions.Add(await Hub.OnAsync<TypingIndicator>(RealtimeEventNames.TypingIndicator, t => Live(null, () => _state.Typing(t))));
            _subscriptions.Add(await Hub.OnAsync<ConversationViewers>(RealtimeEventNames.ConversationViewers, v => Live(null, () => _state.ShowViewers(v.ConversationId, v.Viewers))));
            _subscriptions.Add(await Hub.OnAsync<ResyncRequired>(RealtimeEventNames.Resync, r => Live(null, () => ResyncAsync(r))));

            // Presence is pushed to every agent connection; the inbox shows viewers instead, so it is read and let go.
            _subscriptions.Add(await Hub.OnAsync<PresenceChanged>(RealtimeEventNames.PresenceChanged, _ => Task.CompletedTask));
            Hub.Reconnected += ResumeAsync;
            Hub.StateChanged += ConnectionChanged;
            _connection = Hub.State;
        }
        catch (Exception e) when (Offline(e))
        {
            _connection = HubConnectionState.Disconnected;
        }
    }

    // Queued on the circuit without holding the hub client's receive loop (which also carries the answers the circuit awaits).
    private Task Live(long? seq, Func<Task> apply)
    {
        _ = InvokeAsync(() => ApplyLiveAsync(seq, apply));
        return Task.CompletedTask;
    }

    private async Task ApplyLiveAsync(long? seq, Func<Task> apply)
    {
        if (seq is { } s)
        {
            _state.Saw(s);
        }

        await apply();
        StateHasChanged();
    }

    private Task Live(long? seq, Action apply) => Live(seq, () =>
    {
        apply();
        return Task.CompletedTask;
    });

    private async Task MessageReceivedAsync(MessagePayload p)
    {
        var followUp = _state.MessageReceived(p);
        if (followUp.FetchConversation && (await Api.GetAsync<ConversationItem>($"api/v1/conversations/{p.ConversationId}")).Value is { } fetched)
        {
            _state.Fetched(fetched);
        }

        if (followUp.MarkRead)
        {
            await Api.PostAsync<object>($"api/v1/conversations/{p.ConversationId}/read", null);
        }
    }

    private async Task ConversationUpdatedAsync(ConversationPayload p)
    {
        if (_state.ConversationUpdated(p) && (await Api.GetAsync<ConversationItem>($"api/v1/conversations/{p.Id}")).Value is { } fetched)
        {
            _state.Fetched(fetched);
        }
    }

    private async Task ResyncAsync(ResyncRequired r)
    {
        _state.Resynced(r.LastSeq);
        await ReloadAsync();
    }

    /// <summary>After a dropped connection: replay what was missed (or reload when too far behind) and tell colleagues we still view.</summary>
    private Task ResumeAsync() => InvokeAsync(async () =>
    {
        try
        {
            if (_state.LastSeq is { } seq)
            {
                var result = await Hub.InvokeAsync<ResumeResult>(RealtimeEventNames.Resume, new ResumeRequest(seq));
                if (!result.ResyncRequired)
                {
                    _state.Saw(result.LastSeq);
                }
            }
            else
            {
                // Nothing seen since the page loaded: no position to resume from, so reload what the page shows.
                await ReloadAsync();
            }

            if (_state.Selected is { } open)
            {
                _state.ShowViewers(open.Id, await Hub.InvokeAsync<IReadOnlyList<Viewer>>(RealtimeEventNames.ConversationView, new ConversationRef(open.Id)));
            }
        }
        catch (Exception e) when (Offline(e))
        {
            await ReloadAsync();
        }

        StateHasChanged();
    });

    private async Task ReloadAsync()
    {
        await LoadListAsync();
        if (_state.Selected is { } open)
        {
            var messages = await Api.GetAsync<ApiPage<MessageItem>>($"api/v1/conversations/{open.Id}/messages?limit=100");
            if (messages.Value is { } thread)
            {
                _state.ShowThread(thread.Items);
            }

            if ((await Api.GetAsync<ConversationItem>($"api/v1/conversations/{open.Id}")).Value is { } fresh)
            {
                _state.Refresh(fresh);
            }
        }
    }

    private void ConnectionChanged(HubConnectionState state) => _ = InvokeAsync(() =>
    {
        _connection = state;
        StateHasChanged();
    });

    private async Task TellAsync(string method, Guid conversationId)
    {
        try
        {
            await Hub.SendAsync(method, new ConversationRef(conversationId));
        }
        catch (Exception e) when (Offline(e))
        {
            // presence is best effort
        }
    }

    private static bool Offline(Exception e) =>
        e is InvalidOperationException or HttpRequestException or OperationCanceledException or Microsoft.AspNetCore.SignalR.HubException or System.Net.WebSockets.WebSocketException;

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await InvokeAsync(() =>
                {
                    _now = DateTimeOffset.UtcNow;
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // page closed
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _stopping.Dispose();
        Hub.Reconnected -= ResumeAsync;
        Hub.StateChanged -= ConnectionChanged;
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        if (_state.Selected is { } open)
        {
            await TellAsync(RealtimeEventNames.ConversationLeave, open.Id);
        }

        if (_keys is { } keys)
        {
            try
            {
                await JS.InvokeVoidAsync("hub.inboxKeys.unregister", keys);
            }
            catch (JSDisconnectedException)
            {
                // the browser is gone
            }
        }

        _self?.Dispose();
    }
}
