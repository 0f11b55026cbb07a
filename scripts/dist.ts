/**
 * `npm run dist [-- --linux|--win|--mac]`: packages out/ with electron-builder and
 * electron.config.ts. Needs the Electron binary for the target, which electron-builder
 * downloads; machines without network access cannot package.
 */
import { build, Platform } from 'electron-builder';
import config from '../electron.config.ts';

const flags = new Set(process.argv.slice(2));
const targets = [
  flags.has('--linux') ? Platform.LINUX : undefined,
  flags.has('--win') ? Platform.WINDOWS : undefined,
  flags.has('--mac') ? Platform.MAC : undefined,
].filter((p) => p !== undefined);

await build({
  config,
  publish: 'never',
  targets: (targets.length > 0 ? targets : [Platform.current()])
    .map((p) => p.createTarget())
    .reduce((all, m) => new Map([...all, ...m]), new Map()),
});
