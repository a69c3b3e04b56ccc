namespace Hub.Chaos.Backpressure;

/// <summary>
/// The memory-measuring tests (slow consumer, soak) run one at a time: each reads one Hub process's RSS, and two
/// loads on this small box at once starve each other into timeouts that are not the product's.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LoadCollection
{
    public const string Name = "chaos-load";
}
