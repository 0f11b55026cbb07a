import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../shared/config/presets.ts';

const bin = new URL('../../bin/relaxcert.js', import.meta.url).pathname;

describe('relaxcert presets', () => {
  it('lists every preset with the Table F1 row it reproduces', () => {
    const r = spawnSync(process.execPath, [bin, 'presets'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(PRESETS.length + 1);
    for (const p of PRESETS) {
      const line = lines.find((l) => l.startsWith(`${p.id} `));
      expect(line, p.id).toBeDefined();
      if (p.id.startsWith('paper-')) {
        expect(line).toContain(p.source);
        expect(p.source).toMatch(/^Table F1/);
      }
    }
    // Every row of PAPER.md's Table F1 has a preset: EuroSAT ×4, CIFAR-100 ×3, Tiny-ImageNet, ACAS Xu.
    expect(PRESETS.filter((p) => p.source?.startsWith('Table F1'))).toHaveLength(9);
  });
});
