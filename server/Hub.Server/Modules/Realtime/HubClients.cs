using Microsoft.AspNetCore.SignalR;

namespace Hub.Server.Modules.Realtime;

/// <summary>
/// The clients of <c>/hubs/agent</c>. The host that maps the hub registers it, so modules push to agents without
/// knowing the hub class (which calls into the modules: knowing it would make a loop).
/// </summary>
public sealed record AgentClients(IHubClients<IAgentClient> Clients);

/// <summary>The clients of <c>/hubs/client</c> (end users); registered by the host, like <see cref="AgentClients"/>.</summary>
public sealed record EndUserClients(IHubClients<IEndUserClient> Clients);
