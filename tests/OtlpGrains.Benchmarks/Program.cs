// Replaced by the benchmarks.
return 0;
