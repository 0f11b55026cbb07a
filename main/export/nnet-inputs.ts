/**
 * The input description a .nnet export carries in its header (clip to [min, max], then
 * (x − mean) / range), so that a verifier feeds the exported network what RelaxCert fed it.
 * - ACAS Xu: the ORIGINAL network's box and normalisation, composed with RelaxCert's own
 *   normalisation of the set when the config asks for one: the export then takes the same raw
 *   inputs as the network it replaces.
 * - Other data sets: the network's own input space (the features after RelaxCert's
 *   normalisation), mean 0, range 1, and as box the smallest and largest value of each feature
 *   over the training and test points (so no test point is clipped).
 */
import type { DatasetSpec } from '../../shared/config/experiment.ts';
import { loadAcasxu, readAcasxuInputSpace } from '../data/acasxu.ts';
import { allInputs } from '../data/inputs.ts';
import { loadDataset } from '../data/load-dataset.ts';
import { computeStats } from '../data/normalize.ts';
import type { NnetInputs } from './nnet.ts';

export interface NnetInputDescription extends NnetInputs {
  /** One line for the file's comment: what the inputs are. */
  note: string;
}

export async function nnetInputsFor(spec: DatasetSpec): Promise<NnetInputDescription> {
  if (spec.kind === 'acasxu' && spec.path !== undefined) {
    const space = await readAcasxuInputSpace(spec.path);
    const mode = spec.normalize ?? 'none';
    const means = [...space.means];
    const ranges = [...space.ranges];
    if (mode !== 'none') {
      // RelaxCert then computes (x_n − offset) / scale on the original's x_n = (x − mean) / range,
      // which is x normalised by mean + offset·range and range·scale.
      const raw = await loadAcasxu(spec.path, spec.trainSize, spec.testSize, spec.seed ?? 0);
      const stats = computeStats(mode, raw.train, means.length, false);
      for (let k = 0; k < means.length; k++) {
        means[k] += stats.offset[k] * ranges[k];
        ranges[k] *= stats.scale[k];
      }
    }
    return {
      mins: space.inputMins,
      maxs: space.inputMaxs,
      means,
      ranges,
      note:
        'inputs: raw ACAS Xu inputs in the units of the original network, clipped and ' +
        `normalised as it does${mode === 'none' ? '' : ` (composed with RelaxCert's '${mode}' normalisation)`}`,
    };
  }
  const data = await loadDataset(spec);
  const d = data.inputShape.reduce((a, b) => a * b, 1);
  const mins = new Array<number>(d).fill(Infinity);
  const maxs = new Array<number>(d).fill(-Infinity);
  for (const split of [data.train, data.test]) {
    const x = allInputs(split);
    for (let t = 0; t < x.length; t++) {
      const k = t % d;
      if (x[t] < mins[k]) mins[k] = x[t];
      if (x[t] > maxs[k]) maxs[k] = x[t];
    }
  }
  for (let k = 0; k < d; k++) {
    if (!Number.isFinite(mins[k])) mins[k] = maxs[k] = 0;
  }
  return {
    mins,
    maxs,
    means: new Array<number>(d).fill(0),
    ranges: new Array<number>(d).fill(1),
    note:
      `inputs: ${data.name} features as RelaxCert feeds them (normalisation ` +
      `'${spec.normalize ?? 'none'}'), row-major; box = the range of the data set's points`,
  };
}
