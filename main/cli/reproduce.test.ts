import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { certify, DEFAULT_CLAIM, toCertGuarantee } from '../../shared/certify/index.ts';
import { computeMetrics } from '../../shared/certify/testing/metrics-oracle.ts';
import { readEvalArtifacts } from '../store/eval-artifacts.ts';
import type { EvalArtifacts } from '../../shared/api/workbench-api.ts';
import { meanStd } from '../../shared/sweep/aggregate.ts';
import { PAPER_TABLE_E1, PAPER_TABLE_E1_STD } from './reproduce.ts';

/** The paper's metrics straight from certify() on a run's artefacts: the oracle of these tests. */
function oracleAt(a: EvalArtifacts, epsilon: number) {
  const g = toCertGuarantee(a.guarantee, a.c);
  const { logits, n, c, lipschitz } = a;
  const errorBound = a.errorBounds[DEFAULT_CLAIM];
  return computeMetrics(certify({ logits, n, c, lipschitz, epsilon, errorBound }, g), a.labels, g);
}

const bin = new URL('../../bin/relaxcert.js', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'relaxcert-repro-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/**
 * A 5-input, 5-output .nnet with the ACAS Xu class count: normalised inputs u_i in [−0.5, 0.5],
 * hidden h_i = relu(u_i) for i < 4, outputs (COC, WL, WR, SL, SR) = (0.1, 0.3 − h_0, ..., 0.3 − h_3):
 * COC (the smallest output) unless some h_i > 0.2.
 */
function smallAcasNet(): string {
  const rows: string[] = ['// test network', '2,5,5,5,', '5,4,5,', '0,'];
  rows.push('0,0,0,0,0,', '1,1,1,1,1,', '0.5,0.5,0.5,0.5,0.5,0,', '1,1,1,1,1,1,');
  for (let i = 0; i < 4; i++)
    rows.push([0, 1, 2, 3, 4].map((j) => (j === i ? 1 : 0)).join(',') + ',');
  for (let i = 0; i < 4; i++) rows.push('0,');
  rows.push('0,0,0,0,');
  for (let i = 0; i < 4; i++)
    rows.push([0, 1, 2, 3].map((j) => (j === i ? -1 : 0)).join(',') + ',');
  rows.push('0.1,', '0.3,', '0.3,', '0.3,', '0.3,');
  return rows.join('\n') + '\n';
}

function cli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, RELAXCERT_HOME: home },
    encoding: 'utf8',
    timeout: 180_000,
  });
}

describe('relaxcert reproduce acasxu', () => {
  it('trains the affinity net and reports the sound certification beside Table E1', async () => {
    const nnet = join(home, 'small.nnet');
    writeFileSync(nnet, smallAcasNet());
    const r = cli(['reproduce', 'acasxu', '--nnet', nnet, '--quick', '--n', '400', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(out).toMatchObject({ experiment: 'acasxu', n: 400, epochs: 3, epsilon: 0.01 });
    expect(out.paper).toEqual(PAPER_TABLE_E1);

    const a = await readEvalArtifacts(join(home, 'runs', out.runId));
    expect(a.n).toBe(80);
    expect(a.guarantee).toMatchObject({
      kind: 'affinity',
      sets: [
        [0, 1],
        [0, 2],
        [1, 3],
        [2, 4],
      ],
    });
    const m = oracleAt(a, 0.01);
    expect(out.cleanAccuracy).toBe(m.cleanAccuracy);
    // Table E1's affinity VRA is the guarantee VRA: label in the certified set.
    expect(out.guaranteeVra).toBe(m.affinityVra);
    expect(out.rejectionRate).toBe(m.rejectionRate);
    const coc = a.labels.filter((y) => y === 0).length / a.n;
    expect(out.majorityBaseline).toBe(coc);
    // The labels come from the network: a mix of advisories, not one class.
    expect(coc).toBeGreaterThan(0);
    expect(coc).toBeLessThan(1);
  });

  it('names what is missing or wrong in one line, exit 1', () => {
    for (const args of [
      ['reproduce', 'acasxu'],
      ['reproduce', 'cifar', '--nnet', 'x.nnet'],
      ['reproduce', 'acasxu', '--nnet', join(home, 'absent.nnet')],
      ['reproduce', 'acasxu', '--nnet', join(home, 'small.nnet'), '--n', 'many'],
    ]) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('--seeds N: Table E1 as mean ± std of N sound certifications on one sample', async () => {
    const nnet = join(home, 'small-seeds.nnet');
    writeFileSync(nnet, smallAcasNet());
    const r = cli([
      'reproduce',
      'acasxu',
      '--nnet',
      nnet,
      '--quick',
      '--n',
      '300',
      '--epochs',
      '2',
      '--seed',
      '5',
      '--seeds',
      '2',
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(out).toMatchObject({ experiment: 'acasxu', n: 300, seeds: [5, 6], dataSeed: 5 });
    expect(out.paper).toEqual(PAPER_TABLE_E1);
    expect(out.paperStd).toEqual(PAPER_TABLE_E1_STD);
    const figures = { clean: [] as number[], vra: [] as number[], rejected: [] as number[] };
    const labels: Int32Array[] = [];
    for (const runId of out.runIds as string[]) {
      const a = await readEvalArtifacts(join(home, 'runs', runId));
      const m = oracleAt(a, 0.01);
      figures.clean.push(m.cleanAccuracy);
      figures.vra.push(m.affinityVra ?? Number.NaN);
      figures.rejected.push(m.rejectionRate);
      labels.push(a.labels);
    }
    // One sample of points for every seed; the seeds differ in the training only.
    expect(Array.from(labels[1])).toEqual(Array.from(labels[0]));
    expect(out.table.cleanAccuracy).toEqual(meanStd(figures.clean));
    expect(out.table.guaranteeVra).toEqual(meanStd(figures.vra));
    expect(out.table.rejectionRate).toEqual(meanStd(figures.rejected));
  });
});
