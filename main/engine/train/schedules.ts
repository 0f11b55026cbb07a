/**
 * Schedule strings of the config (learning rate, TRADES λ, ε warm-up) as functions of the
 * epoch, parsed by shared/schedule; parse errors are re-thrown naming the config field.
 */
import { parseSchedule, scheduleValue } from '../../../shared/schedule/index.ts';
import { RelaxCertError } from '../../../shared/errors.ts';

export type EpochSchedule = (epoch: number, totalEpochs: number) => number;

export function makeSchedule(text: string, field: string): EpochSchedule {
  let schedule;
  try {
    schedule = parseSchedule(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RelaxCertError('INVALID_SCHEDULE', `${field}: ${message}`, { field });
  }
  return (epoch, totalEpochs) => scheduleValue(schedule, epoch, totalEpochs);
}
