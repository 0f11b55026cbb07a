/**
 * Issue 14, failures 3, 7, 10 and the full disk of failure 2, through the real CLI: damaged run
 * folders are listed with the reason (and can be deleted), names are escaped in terminal output,
 * `certify … | head` ends quietly, and a disk that fills up during training is one line with
 * the error's own code, not INTERNAL.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../shared/config/presets.ts';
import { findControlCharacter } from '../../shared/control-characters.ts';
import { createWorkbenchHost } from '../host/create-host.ts';
import { fakeArtifacts, fakeConfig, ScriptedRunner } from '../host/testing/fake-deps.ts';
import { writeEvalArtifacts } from '../store/eval-artifacts.ts';
import { RunStore } from '../store/run-store.ts';

const bin = new URL('../../bin/relaxcert.js', import.meta.url).pathname;

function cli(home: string, args: string[], timeout = 60_000) {
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, RELAXCERT_HOME: home },
    timeout,
  });
}

describe('relaxcert runs / certify on a home with odd folders', () => {
  let dir: string;
  let home: string;
  let store: RunStore;
  let damagedId: string;
  let evilId: string;
  let evaluatedId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relaxcert-runs-listing-'));
    home = join(dir, 'home');
    store = await RunStore.open(home);
    const damaged = await store.create(fakeConfig('to be damaged'));
    damagedId = damaged.id;
    writeFileSync(join(store.runDir(damagedId), 'config.json'), '{"name": "trunc');
    // A name written by an older version or by hand, with a terminal escape and a newline.
    const evil = await store.create(fakeConfig('evil'));
    evilId = evil.id;
    const stateFile = join(store.runDir(evilId), 'state.json');
    const record = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
    record.name = 'x\u001b]0;owned\u0007\n20990101-000000-ffffff  completed  fake';
    writeFileSync(stateFile, JSON.stringify(record));
    // Certification artefacts with many points: `certify` prints far more than a pipe holds.
    const evaluated = await store.create(fakeConfig('evaluated'));
    evaluatedId = evaluated.id;
    const base = fakeArtifacts(evaluatedId, fakeConfig('evaluated'));
    const reps = 2000;
    const logits = new Float32Array(base.logits.length * reps);
    const labels = new Int32Array(base.labels.length * reps);
    const repeated = (v: Float64Array) => {
      const out = new Float64Array(v.length * reps);
      for (let r = 0; r < reps; r++) out.set(v, r * v.length);
      return out;
    };
    const errorBounds = {
      float32: {
        base: repeated(base.errorBounds.float32.base),
        perEpsilon: repeated(base.errorBounds.float32.perEpsilon),
      },
      exact: {
        base: repeated(base.errorBounds.exact.base),
        perEpsilon: repeated(base.errorBounds.exact.perEpsilon),
      },
    };
    for (let r = 0; r < reps; r++) {
      logits.set(base.logits, r * base.logits.length);
      labels.set(base.labels, r * base.labels.length);
    }
    await writeEvalArtifacts(store.runDir(evaluatedId), {
      ...base,
      n: base.n * reps,
      logits,
      labels,
      errorBounds,
      inputs: undefined,
    });
    await store.update(evaluatedId, { state: 'completed' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists a damaged run with its reason and escapes control characters (failures 10, 7)', () => {
    const r = cli(home, ['runs']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    // The claim, header, two runs, the damaged folder, the note: no fake row from the newline.
    expect(lines, r.stdout).toHaveLength(6);
    expect(lines[0]).toBe('sound figures under the claim: float32 deployment');
    expect(findControlCharacter(r.stdout.replaceAll('\n', ''))).toBeUndefined();
    const row = lines.find((l) => l.includes(damagedId)) as string;
    expect(row).toMatch(/damaged/);
    expect(row).toContain('config.json');
    expect(lines.find((l) => l.startsWith(evilId))).toContain('x\\x1b]0;owned\\x07\\n2099');
    expect(lines.at(-1)).toMatch(/1 damaged run folder/);
    const json = cli(home, ['runs', '--json']);
    expect(json.status).toBe(0);
    expect((JSON.parse(json.stdout) as unknown[]).length).toBe(2);
    expect(json.stderr).toMatch(new RegExp(`run folder ${damagedId} is damaged: .*config\\.json`));
  });

  it('ends quietly when the reader of its output goes away (failure 3)', () => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${bin}" certify ${evaluatedId} | head -3; exit \${PIPESTATUS[0]}`,
      ],
      { encoding: 'utf8', env: { ...process.env, RELAXCERT_HOME: home }, timeout: 60_000 },
    );
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses a folder or a missing folder as --out in one line (failure 2)', () => {
    for (const [out, errno] of [
      [dir, 'EISDIR'],
      [join(dir, 'missing', 'points.csv'), 'ENOENT'],
    ] as const) {
      const r = cli(home, ['certify', evaluatedId, '--out', out]);
      expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toContain(out);
      expect(r.stderr).toContain(`(${errno})`);
      expect(r.status).toBe(1);
    }
  });

  it('deletes a damaged run through the host', async () => {
    const host = await createWorkbenchHost({ shell: 'cli', home, runner: new ScriptedRunner() });
    try {
      expect((await host.listDamagedRuns()).map((d) => d.id)).toEqual([damagedId]);
      await host.deleteRun(damagedId);
      expect(existsSync(store.runDir(damagedId))).toBe(false);
      expect(await host.listDamagedRuns()).toEqual([]);
    } finally {
      await host.close();
    }
  });

  it.runIf(process.getuid?.() === 0)(
    'reports a disk that fills up while training as NO_SPACE in one line (failure 2, ENOSPC)',
    () => {
      const small = join(dir, 'small-home');
      mkdirSync(small);
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', small], {
          stdio: 'ignore',
        });
      } catch {
        return; // no mount here: the mapping itself is covered in shared/errors.test.ts
      }
      try {
        // 3 × 1000 hidden units: the checkpoint (weights and Adam moments, ~24 MB) cannot fit.
        const config = structuredClone(PRESETS.find((p) => p.id === 'demo-blobs-standard')!.config);
        config.architecture = { name: 'dense-3x1000' };
        config.dataset = { ...config.dataset, trainSize: 64, testSize: 32 };
        config.training = { ...config.training, epochs: 1, batchSize: 32 };
        const file = join(dir, 'big.json');
        writeFileSync(file, JSON.stringify(config));
        const r = cli(small, ['train', '--config', file, '--backend', 'cpu'], 180_000);
        expect(r.stderr).toMatch(/no space left on the device \(ENOSPC\)/);
        // One line of ours (tfjs may print its own banner before it).
        const ours = r.stderr.split('\n').filter((l) => l.startsWith('relaxcert:'));
        expect(ours, r.stderr).toHaveLength(1);
        expect(ours[0]).toMatch(/cannot write .*latest\.ckpt: no space left on the device/);
        expect(r.stderr).not.toMatch(/internal error| {4}at /);
        expect(r.status, r.stderr).toBe(1);
        const [runId] = readdirRuns(small);
        const state = JSON.parse(
          readFileSync(join(small, 'runs', runId, 'state.json'), 'utf8'),
        ) as { state: string; errorCode: string };
        expect(state).toMatchObject({ state: 'failed', errorCode: 'NO_SPACE' });
      } finally {
        spawnSync('umount', ['-l', small]);
      }
    },
    240_000,
  );
});

function readdirRuns(home: string): string[] {
  return execFileSync('ls', [join(home, 'runs')], { encoding: 'utf8' })
    .split('\n')
    .filter((n) => /^\d/.test(n));
}
