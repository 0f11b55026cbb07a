/**
 * Planned schedules (learning rate, TRADES λ, ε warm-up) as chart series, so the training view
 * can overlay what the config asked for with what the engine recorded. The value in force
 * during epoch t (0-based) is drawn at x = t + 1, where the metrics of that epoch are drawn.
 */
import { parseSchedule, scheduleValue } from '../../../shared/schedule/index.ts';
import type { TrainingSpec } from '../../../shared/config/experiment.ts';
import { errorMessage } from '../api/error-message.ts';

export interface PlannedSeries {
  name: string;
  points: [number, number][];
  error?: string;
}

export function plannedSchedule(
  name: string,
  text: string,
  totalEpochs: number,
  perEpoch = 4,
): PlannedSeries {
  try {
    const s = parseSchedule(text);
    const points: [number, number][] = [];
    const last = Math.max(0, totalEpochs - 1);
    const steps = Math.max(1, Math.round(last * perEpoch));
    for (let i = 0; i <= steps; i++) {
      const t = (last * i) / steps;
      points.push([t + 1, scheduleValue(s, t, totalEpochs)]);
    }
    return { name, points };
  } catch (e) {
    return { name, points: [], error: errorMessage(e) };
  }
}

/** All planned schedules of a training spec (λ only with TRADES, ε only with a warm-up). */
export function plannedSchedules(t: TrainingSpec): PlannedSeries[] {
  const out = [plannedSchedule('learning rate', t.learningRate, t.epochs)];
  if (t.loss === 'trades' && t.tradesLambda)
    out.push(plannedSchedule('TRADES λ', t.tradesLambda, t.epochs));
  if (t.epsilonSchedule) out.push(plannedSchedule('ε', t.epsilonSchedule, t.epochs));
  return out;
}
