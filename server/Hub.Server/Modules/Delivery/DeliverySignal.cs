namespace Hub.Server.Modules.Delivery;

/// <summary>Wakes this node's idle delivery workers when a message is queued, so nobody waits for a poll.</summary>
public sealed class DeliverySignal
{
    private readonly SemaphoreSlim _wake = new(0);

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);
}
