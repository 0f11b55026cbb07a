/**
 * Schedule strings of the config (learning rate, TRADES λ, ε warm-up) as functions of the
 * epoch. Parsing is the shared core's (shared/schedule); this adapter only names the field.
 */
import { RelaxCertError } from '../../../shared/errors.ts';

export type EpochSchedule = (epoch: number, totalEpochs: number) => number;

/** A constant schedule; replaced by shared/schedule's parser where available. */
export function makeSchedule(text: string, field: string): EpochSchedule {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new RelaxCertError('INVALID_SCHEDULE', `${field}: cannot parse schedule "${text}"`, {
      field,
    });
  }
  return () => value;
}
