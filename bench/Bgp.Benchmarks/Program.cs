using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project bench/Bgp.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Bgp.Benchmarks.UpdateCodecBenchmarks).Assembly).Run(args);
