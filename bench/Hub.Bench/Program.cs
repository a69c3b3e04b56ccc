// Hub.Bench: side-by-side benchmarks against peers run in the same session (see bench/README.md).
// Scenarios are added by the benchmark work; with no arguments this lists them.
Console.WriteLine("Hub.Bench — scenarios: (none yet)");
return 0;
