/**
 * What the comparison of runs says beside its charts: which config fields differ between the
 * runs, and when their figures cannot be compared at face value (different test data, a
 * different ε, different guarantees).
 */
import type { ExperimentConfig } from '../../../shared/config/experiment.ts';
import { guaranteeLabel } from './run-columns.ts';

export interface ConfigDifference {
  /** Dotted path of the field, e.g. "training.epsilon". */
  path: string;
  /** The field's value in each run, in the order given; "—" where a run does not set it. */
  values: string[];
}

/** Leaf fields of a config by dotted path; arrays (affinity sets) stay one compact value. */
export function flattenConfig(config: ExperimentConfig): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (value: unknown, path: string): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    } else if (value !== undefined) {
      out.set(path, typeof value === 'string' ? value : JSON.stringify(value));
    }
  };
  walk(config, '');
  return out;
}

const SECTIONS = ['name', 'dataset', 'architecture', 'guarantee', 'training'];

/** The fields (run names aside) whose values are not the same in every run, in config order. */
export function configDiff(configs: readonly ExperimentConfig[]): ConfigDifference[] {
  const flat = configs.map(flattenConfig);
  const paths: string[] = [];
  for (const f of flat) for (const p of f.keys()) if (!paths.includes(p)) paths.push(p);
  // Fields only some runs set (e.g. guarantee.k) sit with their section, not at the end.
  const section = (p: string): number => SECTIONS.indexOf(p.split('.')[0]);
  return paths
    .map((p, i) => ({ p, i }))
    .sort((a, b) => section(a.p) - section(b.p) || a.i - b.i)
    .map(({ p }) => p)
    .filter((p) => p !== 'name')
    .map((path) => ({ path, values: flat.map((f) => f.get(path) ?? '—') }))
    .filter((d) => new Set(d.values).size > 1);
}

export interface ComparedRun {
  name: string;
  config: ExperimentConfig;
}

const list = (values: readonly string[]): string => [...new Set(values)].join(', ');

/** Reasons the runs' figures are not directly comparable; empty when they are. */
export function comparabilityNotes(runs: readonly ComparedRun[]): string[] {
  if (runs.length < 2) return [];
  const notes: string[] = [];
  const data = runs.map((r) => {
    const d = r.config.dataset;
    return d.path ? `${d.kind} at ${d.path}` : d.kind;
  });
  if (new Set(data).size > 1)
    notes.push(
      `Different data sets (${list(data)}): accuracies are measured on different test points and are not comparable.`,
    );
  else {
    const sizes = runs.map(
      (r) =>
        `${r.config.dataset.testSize ?? 'default'} test / seed ${r.config.dataset.seed ?? 'default'}`,
    );
    if (new Set(sizes).size > 1)
      notes.push(
        `The generated test sets differ (${list(sizes)}): the runs are scored on different points.`,
      );
  }
  const eps = runs.map((r) => String(r.config.training.epsilon));
  if (new Set(eps).size > 1)
    notes.push(
      `Trained at different ε (${list(eps)}): VRA at different radii is not comparable. Certify every run at one ε in the final metrics table.`,
    );
  const guarantees = runs.map((r) => guaranteeLabel(r.config.guarantee));
  if (new Set(guarantees).size > 1)
    notes.push(
      `Different guarantees (${list(guarantees)}): a relaxed VRA (RTK or affinity) certifies a weaker property than standard VRA; compare standard VRA across them.`,
    );
  return notes;
}
