using Quartz;

namespace Hub.Server.Modules.Inbox;

/// <summary>The Quartz job that runs the SLA check on a schedule.</summary>
[DisallowConcurrentExecution]
public sealed class SlaJob(SlaMonitor monitor) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await monitor.CheckAsync(cancellationToken);
    }
}
