// Starts zstd-worker.ts when Oops Lens runs from sources (tests, benchmarks): the TypeScript loader
// the process was started with (`--import tsx`) does not reach worker threads on Node 20. The
// bundle runs dist/zstd-worker.js instead and never loads this file.
require('tsx/cjs');
require('./zstd-worker.ts');
