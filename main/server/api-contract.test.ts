/**
 * The WorkbenchApi contract, one suite run against both transports: the host in-process and the
 * same host behind the browser server, reached with shared/api/ws-client.ts over a real socket.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunSummary } from '../../shared/api/run-types.ts';
import type { WorkbenchApi, WorkbenchEvent } from '../../shared/api/workbench-api.ts';
import { createWsClient } from '../../shared/api/ws-client.ts';
import type { WebSocketConstructor } from '../../shared/api/ws-client.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { prepareCertification } from '../../shared/certify/session.ts';
import { underClaim } from '../../shared/certify/claim.ts';
import { fakeArtifacts, fakeConfig, fakeDeps, ScriptedRunner } from '../host/testing/fake-deps.ts';
import { WorkbenchHost } from '../host/workbench-host.ts';
import { LOCK_FILE, processStart } from '../store/run-lock.ts';
import { RunStore } from '../store/run-store.ts';
import { startWorkbenchServer } from './workbench-server.ts';

interface Harness {
  api: WorkbenchApi;
  host: WorkbenchHost;
  runner: ScriptedRunner;
  close(): Promise<void>;
}

type Transport = (host: WorkbenchHost) => Promise<{ api: WorkbenchApi; close(): Promise<void> }>;

const transports: [string, Transport][] = [
  ['in-process', async (host) => ({ api: host, close: async () => {} })],
  [
    'websocket',
    async (host) => {
      const server = await startWorkbenchServer({ api: host, staticDir: '/nonexistent' });
      const client = createWsClient({
        url: `ws://127.0.0.1:${server.port}/ws`,
        token: server.token,
        WebSocket: WebSocket as unknown as WebSocketConstructor,
      });
      await client.ready;
      return {
        api: client,
        close: async () => {
          client.close();
          await server.close();
        },
      };
    },
  ],
];

async function waitFor<T>(get: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await get();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function rejection(p: Promise<unknown>): Promise<RelaxCertError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(RelaxCertError);
    return error as RelaxCertError;
  }
  throw new Error('expected a rejection');
}

describe.each(transports)('WorkbenchApi over %s', (_name, transport) => {
  let home: string;
  let h: Harness;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-contract-'));
    const store = await RunStore.open(home);
    const runner = new ScriptedRunner();
    const host = new WorkbenchHost(fakeDeps(store, runner));
    const t = await transport(host);
    h = {
      api: t.api,
      host,
      runner,
      close: async () => {
        await t.close();
        await host.close();
      },
    };
  });

  afterEach(async () => {
    await h.close();
    await rm(home, { recursive: true, force: true });
  });

  it('describes itself, its presets and data sets', async () => {
    const info = await h.api.getInfo();
    expect(info.home).toBe(home);
    expect((await h.api.listPresets()).map((p) => p.id)).toEqual(['fake-preset']);
    const datasets = await h.api.listDatasets();
    expect(datasets[0].classNames).toEqual(['a', 'b', 'c']);
    expect((await h.api.inspectDataset({ kind: 'blobs-2d' })).trainSize).toBe(40);
    const thumb = await h.api.getThumbnail({ kind: 'blobs-2d' }, 'test', 7);
    expect(thumb).toBeInstanceOf(Uint8Array);
    expect(Array.from(thumb)).toEqual([137, 80, 78, 71, 7]);
  });

  it('keeps error codes and fields across the transport', async () => {
    const bad = await rejection(h.api.createRun({ ...fakeConfig(), name: '' }));
    expect(bad.code).toBe('INVALID_CONFIG');
    expect(bad.field).toBe('name');
    const missing = await rejection(h.api.getRun('20200101-000000-abcdef'));
    expect(missing.code).toBe('NOT_FOUND');
    const traversal = await rejection(h.api.deleteRun('../..'));
    expect(traversal.code).toBe('INVALID_INPUT');
    expect(traversal.field).toBe('runId');
    const data = await rejection(h.api.inspectDataset({ kind: 'cifar10' }));
    expect(data.code).toBe('NOT_FOUND');
  });

  it('trains a run to completion with events, metrics and artefacts', async () => {
    const events: WorkbenchEvent[] = [];
    const off = h.api.onEvent((e) => events.push(e));
    const created = await h.api.createRun(fakeConfig('contract', 3));
    expect(created.state).toBe('created');
    const queued = await h.api.startRun(created.id);
    expect(queued.state).toBe('queued');
    const done = await waitFor(
      () => h.api.getRun(created.id),
      (r) => r.state === 'completed',
      'completion',
    );
    expect(done.epochsDone).toBe(3);
    expect(done.evaluated).toBe(true);
    expect(done.backend).toBe('fake');
    const metrics = await h.api.getMetrics(created.id);
    expect(metrics.map((m) => m.epoch)).toEqual([1, 2, 3]);
    await waitFor(
      async () => events.filter((e) => e.type === 'run-state' && e.run.state === 'completed'),
      (l) => l.length === 1,
      'completed event',
    );
    off();
    const states = events.flatMap((e) => (e.type === 'run-state' ? [e.run.state] : []));
    expect(states).toEqual(['created', 'queued', 'running', 'completed']);
    expect(
      events.filter((e) => e.type === 'epoch').map((e) => e.type === 'epoch' && e.metrics.epoch),
    ).toEqual([1, 2, 3]);
    expect(events.some((e) => e.type === 'progress' && e.progress.runId === created.id)).toBe(true);
    expect(events.some((e) => e.type === 'log' && e.line.message === 'evaluating')).toBe(true);

    const artifacts = await h.api.getEvalArtifacts(created.id);
    const expected = fakeArtifacts(created.id, done.config);
    expect(artifacts.logits).toBeInstanceOf(Float32Array);
    expect(artifacts.labels).toBeInstanceOf(Int32Array);
    expect(artifacts.lipschitz).toBeInstanceOf(Float64Array);
    expect(Array.from(artifacts.logits)).toEqual(Array.from(expected.logits));
    expect(Array.from(artifacts.lipschitz)).toEqual(Array.from(expected.lipschitz));
    // The per-point error bound came through the real codec (written by the runner, read by the
    // host) as stored.
    const { float32, exact } = artifacts.errorBounds;
    expect(Array.from(float32.base)).toEqual([1e-3, 1e-3, 3.5, 1e-3, 1e-3, 1e-3]);
    expect(Array.from(float32.perEpsilon)).toEqual(new Array(6).fill(1e-4));
    expect(Array.from(exact.base)).toEqual([1e-4, 1e-4, 1, 1e-4, 1e-4, 1e-4]);
    expect(Array.from(exact.perEpsilon)).toEqual(new Array(6).fill(1e-5));

    // Worked by hand from the six points (K = 2 off the diagonal, so a margin must exceed 2ε plus
    // the point's error bound). At ε = 0.5 only point 0 is certified and correct: point 2's
    // margin 4 exceeds 2ε but not 2ε + 3.5. Predictions are right for points 0–3.
    const summary = await h.api.certifyRun(created.id, {});
    expect(summary.cleanAccuracy).toBeCloseTo(4 / 6, 12);
    expect(summary.standardVra).toBeCloseTo(1 / 6, 12);
    expect(summary.claim).toBe('float32');
    expect(summary.rejectionRate).toBeCloseTo(2 / 6, 12);
    expect(summary).toEqual(
      prepareCertification(underClaim(expected, 'float32'), done.config.guarantee).summary(0.5),
    );
    // Under the exact claim point 2's bound is 1 < 4 − 2ε: certified and correct. Points 1 and 5
    // hold their top-2 set inside an affinity set under both claims; point 3 under neither.
    const exactSummary = await h.api.certifyRun(created.id, { claim: 'exact' });
    expect(exactSummary.claim).toBe('exact');
    expect(exactSummary.standardVra).toBeCloseTo(2 / 6, 12);
    expect(exactSummary.rejectionRate).toBeCloseTo(1 / 6, 12);
    const badClaim = await rejection(
      h.api.certifyRun(created.id, { claim: 'float64' as unknown as 'exact' }),
    );
    expect([badClaim.code, badClaim.field]).toEqual(['INVALID_INPUT', 'claim']);
    const rtk = await h.api.certifyRun(created.id, {
      epsilon: 0.1,
      guarantee: { kind: 'rtk', k: 2 },
    });
    // At ε = 0.1 the threshold is 0.2 + bound: points 0, 2 (4 > 3.7), 4, 5 hold their top class,
    // 0 and 2 rightly; the top two of every point hold against the third.
    expect(rtk.standardVra).toBeCloseTo(2 / 6, 12);
    expect(rtk.certifiedCount).toBe(6);
    expect(rtk.top1GuaranteeVra).toBeCloseTo(4 / 6, 12);
    const float32Data = underClaim(expected, 'float32');
    expect(rtk).toEqual(prepareCertification(float32Data, { kind: 'rtk', k: 2 }).summary(0.1));
    // Standard VRA is the standard certificate whatever the guarantee (= --rtk 1).
    expect(rtk.standardVra).toBe(
      prepareCertification(float32Data, { kind: 'rtk', k: 1 }).summary(0.1).guaranteeVra,
    );
    const badK = await rejection(
      h.api.certifyRun(created.id, { guarantee: { kind: 'rtk', k: 9 } }),
    );
    expect(badK.field).toBe('guarantee.k');
    // A completed run cannot be started again.
    expect((await rejection(h.api.startRun(created.id))).code).toBe('CONFLICT');
  });

  it('repeats a run with N seeds: sweep events, mean ± std as results.json', async () => {
    const events: WorkbenchEvent[] = [];
    const off = h.api.onEvent((e) => events.push(e));
    const source = await h.api.createRun(fakeConfig('to repeat', 2));
    const bad = await rejection(h.api.startSweep({ runId: source.id, seeds: 0 }));
    expect([bad.code, bad.field]).toEqual(['INVALID_INPUT', 'seeds']);
    const started = await h.api.startSweep({ runId: source.id, seeds: 2 });
    expect(started.cells.map((c) => c.seed)).toEqual([1, 2]);
    // Not finished, so not a cell: every seed is trained afresh.
    expect(started.cells[0].runId).toBeUndefined();
    const done = await waitFor(
      () => h.api.getSweep(started.id),
      (s) => s.status === 'completed',
      'the sweep',
    );
    off();
    expect(done.cellsDone).toBe(2);
    const sweepEvents = events.flatMap((e) => (e.type === 'sweep-state' ? [e.sweep] : []));
    expect(sweepEvents[0].status).toBe('running');
    await waitFor(
      async () => sweepEvents.at(-1)?.status,
      (s) => s === 'completed',
      'the completed event',
    );
    expect(sweepEvents.at(-1)).toEqual(done);
    const results = JSON.parse(
      await readFile(join(home, 'sweeps', started.id, 'results.json'), 'utf8'),
    ) as { groups: unknown };
    expect(done.groups).toEqual(results.groups);
    expect(done.groups?.[0].metrics.standardVra?.n).toBe(2);
    expect((await h.api.listSweeps()).map((s) => s.id)).toEqual([started.id]);
    const notRunning = await rejection(h.api.cancelSweep(started.id));
    expect([notRunning.code, notRunning.field]).toEqual(['CONFLICT', 'sweepId']);
    const traversal = await rejection(h.api.getSweep('../../etc'));
    expect(traversal.field).toBe('sweepId');
  });

  it('cancels, resumes, renames, lists and deletes runs', async () => {
    h.runner.scripts = [{ kind: 'hang' }, { kind: 'train' }];
    const run = await h.api.createRun(fakeConfig('to cancel', 2));
    await h.api.startRun(run.id);
    await waitFor(
      () => h.api.getRun(run.id),
      (r) => r.state === 'running',
      'running',
    );
    expect((await rejection(h.api.deleteRun(run.id))).code).toBe('CONFLICT');
    await h.api.cancelRun(run.id);
    await waitFor(
      () => h.api.getRun(run.id),
      (r) => r.state === 'cancelled',
      'cancelled',
    );
    expect((await rejection(h.api.cancelRun(run.id))).code).toBe('CONFLICT');
    await h.api.resumeRun(run.id);
    const done = await waitFor(
      () => h.api.getRun(run.id),
      (r) => r.state === 'completed',
      'done',
    );
    expect(done.epochsDone).toBe(2);
    const renamed = await h.api.renameRun(run.id, '  better name ');
    expect(renamed.name).toBe('better name');
    expect((await rejection(h.api.renameRun(run.id, ''))).field).toBe('name');
    const other = await h.api.createRun(fakeConfig('second'));
    const list: RunSummary[] = await h.api.listRuns();
    expect(list.map((r) => r.id).sort()).toEqual([run.id, other.id].sort());
    await h.api.deleteRun(run.id);
    expect((await rejection(h.api.getRun(run.id))).code).toBe('NOT_FOUND');
    expect((await h.api.listRuns()).map((r) => r.id)).toEqual([other.id]);
    expect((await rejection(h.api.getEvalArtifacts(other.id))).code).toBe('NOT_FOUND');
  });

  it('exports model, K matrix and certification report', async () => {
    const run = await h.api.createRun(fakeConfig('export', 1));
    await h.api.startRun(run.id);
    await waitFor(
      () => h.api.getRun(run.id),
      (r) => r.state === 'completed',
      'done',
    );
    const out = join(home, 'export');
    const { files } = await h.api.exportRun(run.id, out);
    expect(files.map((f) => f.slice(out.length + 1)).sort()).toEqual([
      'certificate-inputs.json',
      'certification-report.json',
      'config.json',
      'k-matrix.json',
      'model.json',
    ]);
    const k = JSON.parse(await readFile(join(out, 'k-matrix.json'), 'utf8')) as { K: number[][] };
    expect(k.K).toEqual([
      [0, 2, 2],
      [2, 0, 2],
      [2, 2, 0],
    ]);
    const report = JSON.parse(await readFile(join(out, 'certification-report.json'), 'utf8')) as {
      certifications: { guarantee: { kind: string }; claim: string }[];
    };
    // Both guarantees under both claims, each summary naming its claim.
    expect(report.certifications.map((c) => `${c.claim} ${c.guarantee.kind}`)).toEqual([
      'float32 standard',
      'float32 affinity',
      'exact standard',
      'exact affinity',
    ]);
  });

  it('keeps named what-if sets in the run folder: round trip, replace, delete, undo', async () => {
    const run = await h.api.createRun(fakeConfig('what-if'));
    expect(await h.api.listWhatIfSets(run.id)).toEqual([]);
    await h.api.saveWhatIfSets(run.id, { name: ' pairs ', sets: [[0, 1]], names: ['ab'] });
    const two = await h.api.saveWhatIfSets(run.id, {
      name: 'all',
      sets: [[0, 1, 2]],
      names: ['abc'],
    });
    expect(two.map((w) => w.name)).toEqual(['pairs', 'all']);
    expect(Date.parse(two[0].savedAt)).not.toBeNaN();
    // Same name: replaced in place, and an entry that comes back keeps its time (Undo).
    const replaced = await h.api.saveWhatIfSets(run.id, {
      name: 'pairs',
      sets: [[1, 2], [0]],
      names: ['bc', 'a'],
      savedAt: '2026-01-02T03:04:05.000Z',
    });
    expect(replaced.map((w) => [w.name, w.sets, w.savedAt])).toEqual([
      ['pairs', [[1, 2], [0]], '2026-01-02T03:04:05.000Z'],
      ['all', [[0, 1, 2]], two[1].savedAt],
    ]);
    // On disk, in the run folder: another host on the same home reads the same list.
    const file = join(h.host.store.runDir(run.id), 'what-if-sets.json');
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as { whatIfSets: unknown[] };
    expect(onDisk.whatIfSets).toEqual(replaced);
    const other = new WorkbenchHost(fakeDeps(await RunStore.open(home), new ScriptedRunner()));
    expect(await other.listWhatIfSets(run.id)).toEqual(replaced);
    await other.close();
    expect((await h.api.deleteWhatIfSets(run.id, 'pairs')).map((w) => w.name)).toEqual(['all']);
    expect(await h.api.listWhatIfSets(run.id)).toEqual([replaced[1]]);
    const gone = await rejection(h.api.deleteWhatIfSets(run.id, 'pairs'));
    expect(gone.code).toBe('NOT_FOUND');
  });

  it('refuses bad what-if sets naming the field, and writes nothing', async () => {
    const run = await h.api.createRun(fakeConfig('bad what-if'));
    // Class 3 does not exist: the data set has 3 classes (0..2).
    const bad = await rejection(
      h.api.saveWhatIfSets(run.id, { name: 'x', sets: [[0, 3]], names: ['s'] }),
    );
    expect(bad.code).toBe('INVALID_AFFINITY');
    expect(bad.field).toBe('whatIf.sets');
    expect(bad.message).toMatch(/unknown class id 3/);
    const dup = await rejection(
      h.api.saveWhatIfSets(run.id, {
        name: 'x',
        sets: [
          [0, 1],
          [1, 0],
        ],
        names: ['a', 'b'],
      }),
    );
    expect(dup.message).toMatch(/duplicates set 1/);
    const names = await rejection(
      h.api.saveWhatIfSets(run.id, { name: 'x', sets: [[0, 1]], names: [] }),
    );
    expect(names.field).toBe('whatIf.names');
    const noName = await rejection(
      h.api.saveWhatIfSets(run.id, { name: '  ', sets: [[0, 1]], names: ['a'] }),
    );
    expect(noName.field).toBe('whatIf.name');
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(h.host.store.runDir(run.id), 'what-if-sets.json'))).toBe(false);
    const missing = await rejection(h.api.listWhatIfSets('20200101-000000-abcdef'));
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('names a corrupt what-if file instead of resetting it', async () => {
    const run = await h.api.createRun(fakeConfig('corrupt what-if'));
    const file = join(h.host.store.runDir(run.id), 'what-if-sets.json');
    await writeFile(file, '{"version": 1, "whatIfSets": [');
    const torn = await rejection(h.api.listWhatIfSets(run.id));
    expect(torn.code).toBe('DATA_FORMAT');
    expect(torn.file).toBe(file);
    expect(torn.message).toContain(file);
    // A valid file holding a set the run cannot have (class 7 of 3) names the entry.
    const entry = { name: 'far', sets: [[0, 7]], names: ['s'], savedAt: '2026-01-01T00:00:00Z' };
    await writeFile(file, JSON.stringify({ version: 1, whatIfSets: [entry] }));
    const wrong = await rejection(h.api.listWhatIfSets(run.id));
    expect(wrong.code).toBe('DATA_FORMAT');
    expect(wrong.message).toMatch(/entry 1 \(sets\): .*unknown class id 7/);
    // A save does not overwrite what it cannot read.
    const save = await rejection(
      h.api.saveWhatIfSets(run.id, { name: 'y', sets: [[0, 1]], names: ['a'] }),
    );
    expect(save.code).toBe('DATA_FORMAT');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, whatIfSets: [entry] });
  });

  it('waits for the run lock of another live process before writing what-if sets', async () => {
    const run = await h.api.createRun(fakeConfig('locked what-if'));
    const runDir = h.host.store.runDir(run.id);
    const sleeper = spawn('sleep', ['30']);
    try {
      const pid = sleeper.pid as number;
      await writeFile(
        join(runDir, LOCK_FILE),
        JSON.stringify({
          pid,
          processStart: processStart(pid),
          op: 'export',
          since: 'now',
          token: 'theirs',
        }),
      );
      const busy = await rejection(
        h.api.saveWhatIfSets(run.id, { name: 'x', sets: [[0, 1]], names: ['a'] }),
      );
      expect(busy.code).toBe('CONFLICT');
      expect(busy.message).toContain(`process ${pid}`);
      expect(await h.api.listWhatIfSets(run.id)).toEqual([]);
    } finally {
      sleeper.kill();
    }
    await rm(join(runDir, LOCK_FILE));
    expect(
      await h.api.saveWhatIfSets(run.id, { name: 'x', sets: [[0, 1]], names: ['a'] }),
    ).toHaveLength(1);
  });
});
