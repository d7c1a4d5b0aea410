// V8 flags the server needs, set before any other module runs: regexes that backtrack
// excessively fall back to V8's linear-time engine, so CEL matches() cannot stall the process.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
