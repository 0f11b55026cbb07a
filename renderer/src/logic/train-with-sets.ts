/**
 * The experiment that "Train a new run with these sets" opens in the form: the run's own config,
 * with only the guarantee replaced by affinity sets and a name that says where it came from.
 */
import type { RunSummary } from '../../../shared/api/run-types.ts';
import type { ExperimentConfig } from '../../../shared/config/experiment.ts';

export function configWithSets(
  run: Pick<RunSummary, 'name' | 'config'>,
  sets: number[][],
  names: string[],
  label: string,
): ExperimentConfig {
  // A deep copy: the form edits the config it is given, never the run's.
  const base = JSON.parse(JSON.stringify(run.config)) as ExperimentConfig;
  return {
    ...base,
    name: `${run.name} · ${label}`,
    guarantee: { kind: 'affinity', sets: sets.map((s) => [...s]), names: [...names] },
  };
}
