// Helper replica entry in a checkout: registers tsx in this thread, then loads the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./helper-worker.ts');
