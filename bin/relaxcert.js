#!/usr/bin/env node
// The `relaxcert` command. Sources are TypeScript; tsx compiles them on the fly so the CLI
// works straight from a checkout (the packaged app ships bundled JavaScript instead).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
