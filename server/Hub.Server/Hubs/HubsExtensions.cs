using Hub.Server.Modules.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace Hub.Server.Hubs;

/// <summary>The two SignalR hubs: their endpoints, and their clients for the modules that push to them.</summary>
public static class HubsExtensions
{
    public static IHostApplicationBuilder AddHubs(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(sp => new AgentClients(sp.GetRequiredService<IHubContext<AgentHub, IAgentClient>>().Clients));
        builder.Services.AddSingleton(sp => new EndUserClients(sp.GetRequiredService<IHubContext<ClientHub, IEndUserClient>>().Clients));
        return builder;
    }

    public static IEndpointRouteBuilder MapHubs(this IEndpointRouteBuilder app)
    {
        app.MapHub<AgentHub>("/hubs/agent");
        app.MapHub<ClientHub>("/hubs/client");
        return app;
    }
}
