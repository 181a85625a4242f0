// Entry point of a loader worker thread. Workers start without the parent's flags (`execArgv: []`), so they
// register tsx themselves before importing the TypeScript worker: this works whether the main program was
// started with `node --import tsx` or through bin/medslip.js (tsx's `register()`), from any working directory,
// since 'tsx/esm/api' resolves from this file's own location.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
