/** Argument parsing for the sub-commands: node:util parseArgs, with errors as user errors. */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { RelaxCertError } from '../../shared/errors.ts';
import { parseNumberOption } from './parse-number.ts';
import type { NumberRule } from './parse-number.ts';

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
  check: NumberRule = {},
): number | undefined {
  return value === undefined ? undefined : parseNumberOption(command, name, value, check);
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
