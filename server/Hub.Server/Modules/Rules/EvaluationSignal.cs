namespace Hub.Server.Modules.Rules;

/// <summary>Wakes this node's idle evaluation worker when an event is stored, so nobody waits for a poll.</summary>
public sealed class EvaluationSignal
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
