import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../data/load-dataset.ts';
import { makeAcasxuSet, summariseAcasxu, writeAcasxuFile } from '../data/acasxu.ts';
import { parseNnet } from '../data/nnet.ts';
import { TINY_NNET, tempDir, writeFile } from '../data/testing/fixtures.ts';
import { allInputs } from '../data/inputs.ts';
import { nnetInputsFor } from './nnet-inputs.ts';

describe('the input header of a .nnet export', () => {
  const dir = tempDir('relaxcert-nnet-inputs-');
  const nnetPath = writeFile(join(dir, 'tiny.nnet'), TINY_NNET);

  it('ACAS Xu from a .nnet or a set file: the original box and normalisation', async () => {
    const net = parseNnet(TINY_NNET, 'tiny.nnet');
    const setPath = join(dir, 'tiny.bin');
    const set = makeAcasxuSet(net, 100, 4);
    await writeAcasxuFile(setPath, set, net, summariseAcasxu(set));
    for (const path of [nnetPath, setPath]) {
      const h = await nnetInputsFor({ kind: 'acasxu', path, normalize: 'none' });
      expect(h.mins).toEqual([0, -1]);
      expect(h.maxs).toEqual([10, 1]);
      expect(h.means).toEqual([5, 0]);
      expect(h.ranges).toEqual([10, 2]);
    }
  });

  it("ACAS Xu with RelaxCert's own standardisation: the composition feeds the net its inputs", async () => {
    const spec = {
      kind: 'acasxu' as const,
      path: nnetPath,
      normalize: 'standardize' as const,
      trainSize: 300,
      testSize: 20,
    };
    const h = await nnetInputsFor(spec);
    const loaded = await loadDataset(spec);
    // The raw points behind the first test points, rebuilt from the original normalisation.
    const net = parseNnet(TINY_NNET, 'tiny.nnet');
    const rawSet = makeAcasxuSet(net, 320, 0);
    const x = allInputs(loaded.test);
    for (let p = 0; p < 20; p++) {
      for (let k = 0; k < 2; k++) {
        const normalised = rawSet.x[(300 + p) * 2 + k];
        const raw = normalised * net.ranges[k] + net.means[k];
        expect((raw - h.means[k]) / h.ranges[k]).toBeCloseTo(x[p * 2 + k], 5);
      }
    }
  });

  it('other data sets: their own features, mean 0, range 1, box of all points', async () => {
    const spec = { kind: 'blobs-2d' as const, trainSize: 50, testSize: 30, seed: 1 };
    const h = await nnetInputsFor(spec);
    const data = await loadDataset(spec);
    const all = [...allInputs(data.train), ...allInputs(data.test)];
    expect(h.means).toEqual([0, 0]);
    expect(h.ranges).toEqual([1, 1]);
    for (let k = 0; k < 2; k++) {
      const column = all.filter((_, t) => t % 2 === k);
      expect(h.mins[k]).toBe(Math.min(...column));
      expect(h.maxs[k]).toBe(Math.max(...column));
    }
  });
});
