// One scenario at a time: the suites kill servers, fill memory and measure it, and time recoveries; two of them at
// once on a small machine would measure each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
