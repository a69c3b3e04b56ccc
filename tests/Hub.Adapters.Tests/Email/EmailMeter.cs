using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Hub.Adapters.Email;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Adapters.Tests.Email;

/// <summary>
/// Reads the email channel's instruments (<see cref="EmailMetrics"/>) of one service provider, as an exporter would:
/// each total is the sum of what was measured since the reader started. Other providers in the same process (a second
/// "node") have meters of their own and are not counted.
/// </summary>
public sealed class EmailMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public EmailMeter(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EmailMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        _listener.Start();
    }

    /// <summary>The total of an instrument (0 before its first measurement).</summary>
    public long this[string instrument] => _totals.GetValueOrDefault(instrument);

    /// <summary>
    /// Waits until <paramref name="instrument"/> reaches <paramref name="atLeast"/>, calling <paramref name="nudge"/>
    /// (e.g. advancing a test clock) between looks.
    /// </summary>
    public async Task WaitForAsync(string instrument, long atLeast, Action? nudge = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (this[instrument] < atLeast)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{instrument} stayed at {this[instrument]}, below {atLeast}");
            nudge?.Invoke();
            await Task.Delay(20);
        }
    }

    public void Dispose() => _listener.Dispose();
}
