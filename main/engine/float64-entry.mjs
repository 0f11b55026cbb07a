// Float64 evaluation thread entry in a checkout: registers tsx in this thread, then loads the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./float64-worker.ts');
