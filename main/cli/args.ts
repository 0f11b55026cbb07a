/** Argument parsing for the sub-commands: node:util parseArgs, with errors as user errors. */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { RelaxCertError } from '../../shared/errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommand<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({
      args: argv,
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

export function numberOption(
  command: string,
  name: string,
  value: string | undefined,
  check: { integer?: boolean; min?: number; exclusiveMin?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const kind = check.integer ? 'an integer' : 'a number';
  const bad =
    value.trim() === '' ||
    !Number.isFinite(n) ||
    (check.integer && !Number.isInteger(n)) ||
    (check.min !== undefined && (check.exclusiveMin ? n <= check.min : n < check.min));
  if (bad) {
    const bound = check.min === undefined ? '' : ` ${check.exclusiveMin ? '>' : '≥'} ${check.min}`;
    throw new RelaxCertError(
      'INVALID_INPUT',
      `${command}: --${name} must be ${kind}${bound} (got '${value}')`,
      { field: name },
    );
  }
  return n;
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
