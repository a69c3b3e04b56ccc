using System.Reflection;
using Hub.Server.Auth;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Realtime;

/// <summary>
/// Runs around every hub call: acts for the caller's workspace, throttles per connection, and turns
/// refusals (and missing arguments) into hub errors the client can read, keeping the connection open.
/// </summary>
public sealed class HubGuardFilter(IOptions<RealtimeOptions> options, TimeProvider clock) : IHubFilter
{
    private const string ThrottleKey = "hub.throttle";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        UseWorkspace(invocationContext.Context, invocationContext.ServiceProvider);
        // HubMethodName is the C# name; clients know the wire name (message.send…).
        var name = invocationContext.HubMethod.GetCustomAttribute<HubMethodNameAttribute>()?.Name ?? invocationContext.HubMethodName;
        // Only Hub's own hubs carry a throttle (see OnConnectedAsync).
        if (invocationContext.Context.Items.TryGetValue(ThrottleKey, out var item) && item is ConnectionThrottle throttle && !throttle.TryTake(name))
        {
            throw new HubException($"rate_limited: too many {name} calls on this connection; slow down.");
        }

        // Only Hub's own hubs: Blazor's ComponentHub passes nulls on purpose (OnRenderCompleted(batch, null) = no error).
        if (IsHubsOwn(invocationContext.Hub))
        {
            RefuseMissingArguments(invocationContext, name);
        }

        try
        {
            return await next(invocationContext);
        }
        catch (RealtimeRefusal refusal)
        {
            throw new HubException($"{refusal.Code}: {refusal.Message}");
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        // The dashboard's Blazor circuits (ComponentHub) send a call per render and UI event; throttling them as a
        // client's hub calls dropped clicks. Only Hub's own hubs are throttled.
        if (IsHubsOwn(context.Hub))
        {
            context.Context.Items[ThrottleKey] = new ConnectionThrottle(options.Value, clock);
        }

        UseWorkspace(context.Context, context.ServiceProvider);
        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        UseWorkspace(context.Context, context.ServiceProvider);
        await next(context, exception);
    }

    /// <summary>A null where the method needs an object (<c>typing.start(null)</c>) is the caller's mistake: a hub error, not a crash.</summary>
    private static void RefuseMissingArguments(HubInvocationContext invocationContext, string name)
    {
        var parameters = invocationContext.HubMethod.GetParameters();
        var arguments = invocationContext.HubMethodArguments;
        for (var i = 0; i < parameters.Length && i < arguments.Count; i++)
        {
            if (arguments[i] is null && !parameters[i].ParameterType.IsValueType
                && new NullabilityInfoContext().Create(parameters[i]).WriteState != NullabilityState.Nullable)
            {
                throw new HubException($"invalid: {name} needs its {parameters[i].Name} argument.");
            }
        }
    }

    private static bool IsHubsOwn(Microsoft.AspNetCore.SignalR.Hub hub) => hub.GetType().Assembly == typeof(HubGuardFilter).Assembly;

    private static void UseWorkspace(HubCallerContext caller, IServiceProvider services)
    {
        if (Guid.TryParse(caller.User?.FindFirst(HubClaims.WorkspaceId)?.Value, out var workspaceId))
        {
            services.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
        }
    }
}

#pragma warning disable CA1032 // only ever built with a code and a message
/// <summary>A hub call refused for a reason the client should read (<c>not_found</c>, <c>payload_too_large</c>…).</summary>
public sealed class RealtimeRefusal(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
