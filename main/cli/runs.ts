/**
 * `relaxcert runs`: the runs in the workbench home. Sound figures (certification of the
 * evaluation artefacts) where a run is evaluated; the training-time estimates always beside
 * them, labelled as estimates.
 */
import { epochEstimates } from '../../shared/api/epoch-estimates.ts';
import type { EpochEstimates } from '../../shared/api/epoch-estimates.ts';
import type { DamagedRun, RunSummary } from '../../shared/api/run-types.ts';
import { prepareCertification } from '../../shared/certify/index.ts';
import type { CertificationSummary } from '../../shared/certify/index.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { CLAIM_TERMS, underClaim } from '../../shared/certify/claim.ts';
import type { CertClaim } from '../../shared/certify/claim.ts';
import { CLAIM_HELP, claimOption, parseCommand } from './args.ts';
import { pct, table } from './format.ts';
import { withHost } from './open-host.ts';
import type { WorkbenchHost } from '../host/workbench-host.ts';
import { terminalText } from './terminal-text.ts';

export const RUNS_HELP = `Usage: relaxcert runs [--claim CLAIM] [--json]

Lists the runs in the workbench home (RELAXCERT_HOME or the platform's app-data folder),
newest first, then run folders that cannot be read (state "damaged", with the reason). CLEAN, STANDARD VRA, GUARANTEE VRA and REJECTED are sound: the certification of
the run's evaluation artefacts at its trained ε and guarantee ('-' until it is evaluated; see
relaxcert evaluate; EVAL says 'redo' for artefacts of an older format). The (EST.) columns are the last epoch's training-time estimates
(power-iteration Lipschitz estimates, no error bound), never certificates.

Options:
${CLAIM_HELP}  --json       print the runs as a JSON array: each run with \`certification\` (sound, when
               evaluated) and \`estimates\` (estimatedStandardVra, estimatedGuaranteeVra,
               estimatedRejectionRate, estimatedLipschitz, cleanAccuracy, epoch)
  -h, --help   show this help
`;

/** One run as `runs --json` prints it: RunSummary without the raw epoch figures. */
export type RunListing = Omit<RunSummary, 'latest'> & {
  certification?: CertificationSummary;
  estimates?: EpochEstimates;
};

export function runListing(run: RunSummary, certification?: CertificationSummary): RunListing {
  const { latest, ...rest } = run;
  const out: RunListing = { ...rest };
  if (certification !== undefined) out.certification = certification;
  if (latest !== undefined) out.estimates = epochEstimates(latest);
  return out;
}

export function runsTable(runs: RunListing[]): string {
  return table(
    [
      'ID',
      'STATE',
      'EPOCHS',
      'CLEAN',
      'STANDARD VRA',
      'GUARANTEE VRA',
      'REJECTED',
      'STANDARD VRA (EST.)',
      'REJECTED (EST.)',
      'EVAL',
      'NAME',
    ],
    runs.map((r) => {
      const s = r.certification;
      const e = r.estimates;
      return [
        r.id,
        r.state,
        `${r.epochsDone}/${r.config.training.epochs}`,
        pct(s?.cleanAccuracy),
        pct(s?.standardVra),
        s === undefined || s.guarantee.kind === 'standard' ? pct(undefined) : pct(s.guaranteeVra),
        pct(s?.rejectionRate),
        pct(e?.estimatedStandardVra),
        pct(e?.estimatedRejectionRate),
        // Evaluated but no figures: artefacts of an older format (relaxcert evaluate RUN).
        !r.evaluated ? 'no' : s === undefined ? 'redo' : 'yes',
        r.name,
      ];
    }),
  );
}

async function soundFigures(
  host: WorkbenchHost,
  run: RunSummary,
  claim: CertClaim,
): Promise<CertificationSummary | undefined> {
  if (!run.evaluated) return undefined;
  try {
    const artifacts = await host.getEvalArtifacts(run.id);
    return prepareCertification(underClaim(artifacts, claim), artifacts.guarantee).summary(
      artifacts.trainedEpsilon,
    );
  } catch (error) {
    // Artefacts of an older format (or gone meanwhile) must not hide the other runs: the row
    // shows no sound figures and EVAL 'redo'. Anything else is a real failure.
    if (
      error instanceof RelaxCertError &&
      (error.code === 'DATA_FORMAT' || error.code === 'NOT_FOUND')
    ) {
      return undefined;
    }
    throw error;
  }
}

export async function runsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand('runs', argv, {
    json: { type: 'boolean' },
    claim: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(RUNS_HELP);
    return 0;
  }
  const claim = claimOption('runs', values.claim);
  return withHost(async (host) => {
    const runs = await host.listRuns();
    const damaged = await host.listDamagedRuns();
    const listed: RunListing[] = [];
    for (const run of runs) listed.push(runListing(run, await soundFigures(host, run, claim)));
    if (values.json) {
      process.stdout.write(`${JSON.stringify(listed)}\n`);
      // Kept out of the array, whose items are all runs; said on stderr so no folder is hidden.
      for (const d of damaged) process.stderr.write(`relaxcert: ${damagedLine(d)}\n`);
      return 0;
    }
    if (runs.length === 0 && damaged.length === 0) {
      process.stdout.write(`no runs in ${terminalText(host.store.runsDir)}\n`);
      return 0;
    }
    process.stdout.write(`sound figures under the claim: ${CLAIM_TERMS[claim].label}\n`);
    process.stdout.write(runsTable(listed));
    for (const d of damaged) process.stdout.write(`${damagedLine(d)}\n`);
    if (damaged.length > 0) {
      process.stdout.write(
        `${damaged.length} damaged run folder${damaged.length === 1 ? '' : 's'}: delete ` +
          `${damaged.length === 1 ? 'it' : 'them'} in the workbench's Runs view ` +
          `or remove the folder under ${terminalText(host.store.runsDir)}\n`,
      );
    }
    return 0;
  });
}

function damagedLine(d: DamagedRun): string {
  return terminalText(`run folder ${d.id} is damaged: ${d.reason}`);
}
