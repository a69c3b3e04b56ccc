using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;

namespace Hub.Intelligence.Prediction;

/// <summary>
/// Thread-safe predictions from one loaded model. ML.NET's <see cref="PredictionEngine{TSrc,TDst}"/> is not
/// thread-safe and Microsoft.Extensions.ML's PredictionEnginePool is not available here, so engines are pooled:
/// a caller rents one, predicts, and returns it; an engine is only created when every pooled one is busy.
/// </summary>
public sealed class PooledPredictor<TInput, TOutput>
    where TInput : class
    where TOutput : class, new()
{
    private readonly ObjectPool<PredictionEngine<TInput, TOutput>> _pool;

    /// <summary>Pools engines over <paramref name="model"/>; keeps up to twice the processor count idle.</summary>
    public PooledPredictor(MLContext ml, ITransformer model)
    {
        _pool = new DefaultObjectPool<PredictionEngine<TInput, TOutput>>(
            new EnginePolicy(ml, model), Math.Max(4, Environment.ProcessorCount * 2));
        // Build the first engine now so a broken model fails at start-up, not on the first message.
        _pool.Return(_pool.Get());
    }

    /// <summary>Runs the model on one input. The output is a fresh object the caller owns.</summary>
    public TOutput Predict(TInput input)
    {
        var engine = _pool.Get();
        try
        {
            var output = new TOutput();
            engine.Predict(input, ref output);
            return output;
        }
        finally
        {
            _pool.Return(engine);
        }
    }

    private sealed class EnginePolicy(MLContext ml, ITransformer model) : IPooledObjectPolicy<PredictionEngine<TInput, TOutput>>
    {
        public PredictionEngine<TInput, TOutput> Create() => ml.Model.CreatePredictionEngine<TInput, TOutput>(model);

        public bool Return(PredictionEngine<TInput, TOutput> obj) => true;
    }
}
