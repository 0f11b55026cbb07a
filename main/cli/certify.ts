/** `relaxcert certify RUN`: re-certify a run's stored test-set outputs at any ε and guarantee. */
import { writeFile } from 'node:fs/promises';
import type { Guarantee } from '../../shared/config/experiment.ts';
import {
  infinityAsString,
  parseAffinitySets,
  pointRecords,
  pointsCsv,
  prepareCertification,
} from '../../shared/certify/index.ts';
import type { PointExplanation } from '../../shared/certify/index.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { standInNote, underClaim } from '../../shared/certify/claim.ts';
import { CLAIM_HELP, claimOption, numberOption, parseCommand } from './args.ts';
import { table } from './format.ts';
import { withHost } from './open-host.ts';
import { resolveRunId } from './resolve-run.ts';
import { claimText, describeGuarantee, summaryText } from './run-report.ts';

export const CERTIFY_HELP = `Usage: relaxcert certify RUN [--eps E] [--rtk K | --affinity SETS] [--claim CLAIM] [--explain INDEX] [--json] [--out FILE]

Certifies every test point of an evaluated run from its stored logits, sound Lipschitz bounds
and per-point rounding-error bound of the claim: prints the figures (clean accuracy, standard VRA, guarantee
VRA, rejection rate; see README "Figures and their names") and, per point, whether it is
certified, its certified class set, margin, error bound and certified radius.

RUN is a run id, a unique prefix of one, or latest.

Options:
  --eps E          radius ε, a decimal ≥ 0 (default: the ε the run was trained for)
  --rtk K          relaxed top-K guarantee (--rtk 1 is the standard guarantee)
  --affinity SETS  affinity sets, e.g. "[0,1][0,2]" (class names work too) or JSON
${CLAIM_HELP}  --explain INDEX  why test point INDEX is certified or rejected: for each k its top-k set,
                   binding pair, f_j − f_i, ε·K_ji, error bound and margin; its radius
  --json           print {runId, summary, points} (or {runId, explanation}) as JSON
  --out FILE       write the per-point table as CSV to FILE instead of printing it
  -h, --help       show this help
`;

export async function certifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'certify',
    argv,
    {
      eps: { type: 'string' },
      rtk: { type: 'string' },
      affinity: { type: 'string' },
      claim: { type: 'string' },
      explain: { type: 'string' },
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
  if (values.explain !== undefined && values.out !== undefined) {
    throw new RelaxCertError('INVALID_INPUT', 'certify: --explain prints one point; drop --out');
  }
  const epsilon = numberOption('certify', 'eps', values.eps, { min: 0 });
  const k = numberOption('certify', 'rtk', values.rtk, { integer: true, min: 1 });
  const explain = numberOption('certify', 'explain', values.explain, { integer: true, min: 0 });
  const claim = claimOption('certify', values.claim);
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
    const eps = epsilon ?? artifacts.trainedEpsilon;
    const session = prepareCertification(underClaim(artifacts, claim), guarantee);
    const note = standInNote(artifacts, claim);
    // On stderr, so that --json stays one JSON document.
    if (note !== undefined)
      process.stderr.write(`relaxcert: note: ${note} (relaxcert evaluate ${runId})\n`);
    const name = (c: number) => artifacts.classNames[c] ?? String(c);
    if (explain !== undefined) {
      if (explain >= artifacts.n) {
        throw new RelaxCertError(
          'INVALID_INPUT',
          `certify: --explain ${explain} is past the last test point (${artifacts.n - 1})`,
          { field: 'explain' },
        );
      }
      const explanation = session.explain(explain, eps);
      process.stdout.write(
        values.json
          ? `${JSON.stringify({ runId, explanation }, infinityAsString)}\n`
          : `run ${runId}\n${explanationText(explanation, name)}`,
      );
      return 0;
    }
    const at = session.at(eps);
    const summary = session.summary(eps);
    const points = pointRecords(session, at);
    if (values.out !== undefined) {
      await writeFile(values.out, pointsCsv(points, artifacts.classNames, claim));
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ runId, summary, points }, infinityAsString)}\n`);
      return 0;
    }
    process.stdout.write(`run ${runId}\n${summaryText(summary)}`);
    if (values.out !== undefined) {
      process.stdout.write(`wrote ${points.length} points to ${values.out}\n`);
      return 0;
    }
    process.stdout.write(
      '\n' +
        table(
          ['POINT', 'LABEL', 'PREDICTED', 'CERTIFIED', 'SET', 'MARGIN', 'ERROR BOUND', 'RADIUS'],
          points.map((p) => [
            String(p.index),
            name(p.label),
            name(p.predicted),
            p.certified ? 'yes' : 'no',
            p.certified ? `{${p.certifiedSet.map(name).join(', ')}}` : '⊥',
            num(p.margin),
            num(p.error),
            num(p.radius),
          ]),
        ),
    );
    return 0;
  });
}

function num(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : x > 0 ? 'inf' : '-inf';
}

/** The text form of `--explain`: one row per k, then the verdict and the radius. */
export function explanationText(e: PointExplanation, name: (c: number) => string): string {
  const set = (ids: number[]) => `{${ids.map(name).join(', ')}}`;
  const lines = [
    `point ${e.index}: label ${name(e.label)}, predicted ${name(e.predicted)}, ` +
      `ε = ${e.epsilon}, ${describeGuarantee(e.guarantee)}`,
    `${claimText(e.claim)}: error bound ${num(e.error)} = ${num(e.errorBase)} + ` +
      `ε·${num(e.errorPerEpsilon)}`,
    '',
    table(
      ['K', 'TOP-K SET', 'ALLOWED', 'PAIR (j, i)', 'f_j − f_i', 'ε·K_ji', 'MARGIN', 'CERTIFIED'],
      e.perK.map((k) => [
        String(k.k),
        set(k.topK),
        k.allowed ? 'yes' : 'no',
        k.binding ? `(${name(k.binding.j)}, ${name(k.binding.i)})` : '-',
        k.binding ? num(k.binding.gap) : '-',
        k.binding ? num(k.binding.epsilonK) : '-',
        num(k.margin),
        k.certified ? 'yes' : 'no',
      ]),
    ).trimEnd(),
    '',
    ...e.perK.map((k) => `  k = ${k.k}: ${k.reason}`),
    `result: ${e.reason}`,
    `certified set: ${e.certified ? set(e.certifiedSet) : '⊥'}; label in set: ${e.labelInSet ? 'yes' : 'no'}`,
    `certified radius: ${num(e.radius)}` +
      (e.radiusLimit
        ? `, limited by k = ${e.radiusLimit.k}, pair (${name(e.radiusLimit.j)}, ${name(e.radiusLimit.i)})`
        : ''),
  ];
  return lines.join('\n') + '\n';
}
