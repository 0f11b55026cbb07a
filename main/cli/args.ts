/** Argument parsing for the sub-commands: node:util parseArgs, with errors as user errors. */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { RelaxCertError } from '../../shared/errors.ts';
import { parseDecimal } from '../../shared/parse-decimal.ts';
import { CERT_CLAIMS, DEFAULT_CLAIM, isCertClaim } from '../../shared/certify/claim.ts';
import type { CertClaim } from '../../shared/certify/claim.ts';

export { parseDecimal };

type Options = NonNullable<ParseArgsConfig['options']>;

/** A value that starts with '-' but is a number ("-1", "-0.5", "-.5", "-1e-3"). */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * parseArgs reads `--seed -1` as the option --seed followed by the option -1 ("ambiguous").
 * A valued option followed by something shaped like a negative number takes it as its value
 * (`--seed=-1`); the option's own check then says whether a negative value is allowed.
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    const next = argv[i + 1];
    if (
      name !== undefined &&
      Object.hasOwn(options, name) &&
      options[name].type === 'string' &&
      next !== undefined &&
      NEGATIVE_NUMBER.test(next)
    ) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

export function parseCommand<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({
      args: joinNegativeValues(argv, options),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new RelaxCertError(
      'INVALID_INPUT',
      `${command}: ${message} (see relaxcert ${command} --help)`,
    );
  }
}

/** Seeds are 32-bit, as the config schema says. */
export const MAX_SEED = 2 ** 32 - 1;
/** 10 million points are 200 MB of inputs: far more than the paper's sets, far below a crash. */
export const MAX_ACASXU_POINTS = 10_000_000;
/** The largest TCP port. */
export const MAX_PORT = 65535;

export interface NumberCheck {
  integer?: boolean;
  min?: number;
  exclusiveMin?: boolean;
  max?: number;
}

export function numberOption(
  command: string,
  name: string,
  value: string | undefined,
  check: NumberCheck = {},
): number | undefined {
  if (value === undefined) return undefined;
  return checkedNumber(`${command}: --${name}`, name, value, check);
}

/** `value` as a number meeting `check`, or INVALID_INPUT naming `label` (e.g. "train: --seed"). */
export function checkedNumber(
  label: string,
  field: string,
  value: string,
  check: NumberCheck = {},
): number {
  const parsed = parseDecimal(value);
  const kind = check.integer ? 'an integer' : 'a number';
  const lower = check.min === undefined ? '' : ` ${check.exclusiveMin ? '>' : '≥'} ${check.min}`;
  const upper = check.max === undefined ? '' : ` ≤ ${check.max}`;
  const range = lower !== '' && upper !== '' ? `${lower} and${upper}` : lower + upper;
  if (typeof parsed !== 'number') {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `${label} must be ${kind}${range}: '${value}' ${parsed.why}`,
      { field },
    );
  }
  const bad =
    (check.integer && !Number.isSafeInteger(parsed)) ||
    (check.min !== undefined && (check.exclusiveMin ? parsed <= check.min : parsed < check.min)) ||
    (check.max !== undefined && parsed > check.max);
  if (bad) {
    throw new RelaxCertError('INVALID_INPUT', `${label} must be ${kind}${range} (got '${value}')`, {
      field,
    });
  }
  return parsed;
}

/** `--claim CLAIM` (shared/certify/claim.ts); absent: the default claim. */
export function claimOption(command: string, value: string | undefined): CertClaim {
  if (value === undefined) return DEFAULT_CLAIM;
  if (isCertClaim(value)) return value;
  throw new RelaxCertError(
    'INVALID_INPUT',
    `${command}: --claim must be one of ${CERT_CLAIMS.join(', ')} (got '${value}')`,
    { field: 'claim' },
  );
}

/** The help text of `--claim`, the same in every command that has it. */
export const CLAIM_HELP = `  --claim CLAIM    what the certificates claim: float32 (default; the network run in
                   float32, any summation order, anywhere in the ε-ball) or exact (the
                   network in exact arithmetic, as in the paper; see README "Soundness")
`;

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
