import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../shared/version.ts';

const bin = new URL('../bin/relaxcert.js', import.meta.url).pathname;

describe('relaxcert CLI', () => {
  it('prints its version, which matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(VERSION).toBe(pkg.version);
    expect(execFileSync('node', [bin, '--version'], { encoding: 'utf8' }).trim()).toBe(VERSION);
  });

  it('exits 1 with a one-line message on an unknown command', () => {
    const r = spawnSync('node', [bin, 'frobnicate'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('frobnicate');
  });
});
