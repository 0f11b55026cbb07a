/**
 * The comparison's mean ± std is the sweep's results.json: a real sweep (host, job manager and
 * engine on a tiny generated set) writes the file, and the rows the Compare view shows for its
 * runs are read back against it, number for number and as text.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepSummary } from '../../../shared/api/sweep-types.ts';
import { getPreset } from '../../../shared/config/presets.ts';
import { formatMeanStd, SWEEP_METRICS } from '../../../shared/sweep/aggregate.ts';
import type { SweepGroupResult } from '../../../shared/sweep/aggregate.ts';
import { createWorkbenchHost } from '../../../main/host/create-host.ts';
import { sweepCell, sweepCompareRows, sweepRunIds } from './sweep-stats.ts';

describe('mean ± std in the comparison', () => {
  let home: string;
  let sweep: SweepSummary;
  let results: { groups: SweepGroupResult[] };

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'relaxcert-sweep-stats-'));
    const host = await createWorkbenchHost({ shell: 'cli', home });
    try {
      const config = structuredClone(getPreset('demo-blobs-rtk').config);
      config.dataset = { ...config.dataset, trainSize: 240, testSize: 80 };
      config.architecture = { name: 'dense-small', width: 8, depth: 1 };
      config.training.epochs = 2;
      const run = await host.createRun(config);
      const started = await host.startSweep({ runId: run.id, seeds: 3 });
      sweep = await host.sweepSettled(started.id);
      // As the renderer receives it: over the wire the summary is JSON.
      sweep = JSON.parse(JSON.stringify((await host.listSweeps())[0])) as SweepSummary;
    } finally {
      await host.close();
    }
    results = JSON.parse(
      await readFile(join(home, 'sweeps', sweep.id, 'results.json'), 'utf8'),
    ) as typeof results;
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('shows results.json for all of a sweep’s runs selected', () => {
    expect(sweep.status).toBe('completed');
    const rows = sweepCompareRows([sweep], sweepRunIds(sweep));
    expect(rows.map((r) => r.result)).toEqual(results.groups);
    const [row] = rows;
    const json = results.groups[0];
    expect(row.result.seeds).toHaveLength(3);
    expect(row.finishedInGroup).toBe(3);
    // An RTK run: every metric, the relaxed one included, with its sample std over 3 seeds.
    for (const metric of SWEEP_METRICS) {
      const v = json.metrics[metric];
      expect(v?.n, metric).toBe(3);
      expect(v?.std, metric).toBeDefined();
      const cell = sweepCell(row, metric);
      expect(cell.text).toBe(formatMeanStd(v, metric === 'trainSeconds' ? 1 : 3));
      expect(cell.title).toBe(`mean ${v?.mean}, sample std ${v?.std}, n 3`);
    }
  });

  it('takes the statistics over the selected runs only, saying n of how many', () => {
    const ids = sweepRunIds(sweep);
    const [one] = sweepCompareRows([sweep], [ids[1], 'some-other-run']);
    expect(one.result.seeds).toEqual([sweep.cells[1].seed]);
    expect(one.finishedInGroup).toBe(3);
    const vra = one.result.metrics.standardVra;
    expect(vra).toEqual({ mean: sweep.cells[1].figures?.standardVra, n: 1 });
    expect(sweepCell(one, 'standardVra').text).toBe(vra?.mean.toFixed(3));
    expect(sweepCompareRows([sweep], ['some-other-run'])).toEqual([]);
  });
});
