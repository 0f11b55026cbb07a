#!/usr/bin/env node
// The `relaxcert` command. Sources are TypeScript; tsx compiles them on the fly so the CLI
// works straight from a checkout (the packaged app ships the bundle out/main/cli.js instead).
import { register } from 'tsx/esm/api';

register();
await import('../main/cli-main.ts');
