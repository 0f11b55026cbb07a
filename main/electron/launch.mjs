// Electron entry in a checkout: registers tsx so the TypeScript main process runs as is
// (the packaged app ships bundled JavaScript instead). scripts/start.js points Electron here.
import { register } from 'tsx/esm/api';

register();
await import('./electron-main.ts');
