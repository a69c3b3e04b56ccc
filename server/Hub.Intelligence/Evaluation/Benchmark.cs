using System.Diagnostics;
using Hub.Core.Intelligence;

namespace Hub.Intelligence.Evaluation;

/// <summary>What one benchmark run measured: per-message latency on one thread, then throughput on many.</summary>
public sealed record BenchmarkResult(LatencyReport SingleThread, int Threads, long Messages, double MessagesPerSecond);

/// <summary>
/// A small in-process benchmark of the classify path (sentiment + intent of one message), for the CLI's
/// <c>bench</c> verb and for bench/ to call. Not a test: numbers depend on the machine and its load.
/// </summary>
public static class Benchmark
{
    public static BenchmarkResult Run(
        ISentimentClassifier sentiment, IIntentClassifier intent, IReadOnlyList<string> texts, int threads, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfZero(texts.Count);
        var single = Evaluator.MeasureLatency(texts, t => (sentiment.Classify(t), intent.Classify(t)));

        long total = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, threads).Select(w => new Thread(() =>
        {
            long count = 0;
            for (var i = w; Stopwatch.GetTimestamp() < stopAt; i++, count++)
            {
                var text = texts[i % texts.Count];
                sentiment.Classify(text);
                intent.Classify(text);
            }

            Interlocked.Add(ref total, count);
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new BenchmarkResult(single, threads, total, total / seconds);
    }
}
