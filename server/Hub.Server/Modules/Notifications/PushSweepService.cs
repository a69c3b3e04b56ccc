using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Notifications;

/// <summary>Runs <see cref="PushSweeper"/> every <see cref="NotificationOptions.SweepInterval"/> (when <c>Notifications:RunSweeper</c>).</summary>
public sealed partial class PushSweepService(PushSweeper sweeper, IOptions<NotificationOptions> options, TimeProvider clock, ILogger<PushSweepService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await sweeper.RunOnceAsync(stoppingToken);
                await Task.Delay(options.Value.SweepInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A database blip must not end the sweeping: wait one interval and go again.
                LogSweepFailed(logger, ex);
                await Task.Delay(options.Value.SweepInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Push sweep failed; retrying")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
