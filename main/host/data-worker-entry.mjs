// Worker entry point in a checkout: registers tsx in this thread (loader hooks are not
// inherited by worker threads), then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./data-worker.ts');
