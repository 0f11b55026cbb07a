/** `relaxcert certify RUN`: re-certify a run's stored test-set outputs at any ε and guarantee. */
import { writeFile } from 'node:fs/promises';
import type { Guarantee } from '../../shared/config/experiment.ts';
import { parseAffinitySets } from '../../shared/certify/index.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { certifyPoints } from '../host/certification.ts';
import type { PointCertification } from '../host/certification.ts';
import { numberOption, parseCommand } from './args.ts';
import { table } from './format.ts';
import { withHost } from './open-host.ts';
import { resolveRunId } from './resolve-run.ts';
import { summaryText } from './run-report.ts';

export const CERTIFY_HELP = `Usage: relaxcert certify RUN [--eps E] [--rtk K | --affinity SETS] [--json] [--out FILE]

Certifies every test point of an evaluated run from its stored logits and sound Lipschitz
bounds: prints a summary and, per point, whether it is certified, its certified class set and
its certified radius (the largest ε at which it stays certified).

RUN is a run id, a unique prefix of one, or latest.

Options:
  --eps E          radius ε (default: the ε the run was trained for)
  --rtk K          relaxed top-K guarantee
  --affinity SETS  affinity sets, e.g. "[0,1][0,2]" (class names work too) or JSON
  --json           print {summary, points} as JSON
  --out FILE       write the per-point table as CSV to FILE instead of printing it
  -h, --help       show this help
`;

function csv(points: PointCertification[], classNames: string[]): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = points.map((p) =>
    [
      p.index,
      p.label,
      p.predicted,
      p.certified ? 1 : 0,
      p.certifiedSet.join(';'),
      quote(p.certifiedSet.map((c) => classNames[c] ?? String(c)).join(';')),
      Number.isFinite(p.radius) ? p.radius : 'inf',
    ].join(','),
  );
  return (
    ['index,label,predicted,certified,certified_set,certified_set_names,radius', ...rows].join(
      '\n',
    ) + '\n'
  );
}

export async function certifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'certify',
    argv,
    {
      eps: { type: 'string' },
      rtk: { type: 'string' },
      affinity: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(CERTIFY_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `certify: one run at a time (got ${positionals.length})`,
    );
  }
  if (values.rtk !== undefined && values.affinity !== undefined) {
    throw new RelaxCertError('INVALID_INPUT', 'certify: give --rtk or --affinity, not both');
  }
  const epsilon = numberOption('certify', 'eps', values.eps, { min: 0 });
  const k = numberOption('certify', 'rtk', values.rtk, { integer: true, min: 1 });
  return withHost(async (host) => {
    const runId = await resolveRunId(host, positionals[0]);
    const artifacts = await host.getEvalArtifacts(runId);
    let guarantee: Guarantee = artifacts.guarantee;
    if (k !== undefined) guarantee = { kind: 'rtk', k };
    if (values.affinity !== undefined) {
      const sets = parseAffinitySets(values.affinity, artifacts.c, artifacts.classNames);
      guarantee = { kind: 'affinity', sets: sets.sets };
      if (sets.names !== undefined) guarantee.names = sets.names;
    }
    const { summary, points } = certifyPoints(
      artifacts,
      epsilon ?? artifacts.trainedEpsilon,
      guarantee,
    );
    if (values.out !== undefined) await writeFile(values.out, csv(points, artifacts.classNames));
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ runId, summary, points })}\n`);
      return 0;
    }
    process.stdout.write(`run ${runId}\n${summaryText(summary)}`);
    if (values.out !== undefined) {
      process.stdout.write(`wrote ${points.length} points to ${values.out}\n`);
      return 0;
    }
    const name = (c: number) => artifacts.classNames[c] ?? String(c);
    process.stdout.write(
      '\n' +
        table(
          ['POINT', 'LABEL', 'PREDICTED', 'CERTIFIED', 'SET', 'RADIUS'],
          points.map((p) => [
            String(p.index),
            name(p.label),
            name(p.predicted),
            p.certified ? 'yes' : 'no',
            p.certified ? `{${p.certifiedSet.map(name).join(', ')}}` : '⊥',
            Number.isFinite(p.radius) ? p.radius.toPrecision(6) : 'inf',
          ]),
        ),
    );
    return 0;
  });
}
