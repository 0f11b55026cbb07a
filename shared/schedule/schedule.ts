/**
 * Schedules of the learning rate, the TRADES λ and ε (PAPER.md, Appendix F). Every accepted
 * form becomes one representation: values at times ("knots") joined by interpolations.
 *
 * Forms:
 * - constant: `1e-3`
 * - `a -> b` (or `→`): linear from a at the start to b at the end
 * - `a -> b after half` (or `after 30%`, `after 100`): constant a, then geometric (exp) decay
 *   reaching b at the end; an explicit interpolation word overrides exp
 * - `a -> b log half` / `a -> b log, by half` / `a -> b, by 75%`: from a at the start to b at
 *   that time, then constant; interpolation linear unless named
 * - interpolation words: `linear`/`lin`, `exp` (geometric), `log`, `cos`
 * - the reference library's segments: `[1e-3]-[50%:1e-3]-exp-[1e-6]`: knots `[time:value]`
 *   (time `P%` of the run or an epoch number; the first knot defaults to the start, the last to
 *   the end, middle ones spread evenly) joined by `-` (linear) or `-exp-`, `-log-`, `-cos-`.
 *
 * Time: t runs from epoch 0 to the last epoch, T = totalEpochs − 1 (so 50% = (E − 1)/2 and the
 * final value is reached at the last epoch); fractional epochs are allowed (per-batch values)
 * and the value stays constant before the first and after the last knot.
 *
 * Log interpolation (reference): value(u) = ln((e^b − e^a)·u + e^a), u ∈ [0, 1]: fast at
 * first, from a to b. Exp: a·(b/a)^u (a, b non-zero, same sign). Cos: a + (b − a)(1 − cos πu)/2.
 */
import { RelaxCertError } from '../errors.ts';

export type Interpolation = 'linear' | 'exp' | 'log' | 'cos';

export type ScheduleTime = { unit: 'percent'; value: number } | { unit: 'epoch'; value: number };

export interface ScheduleKnot {
  value: number;
  /** Absent: the first knot is at the start, the last at the end, middle ones spread evenly. */
  at?: ScheduleTime;
}

export interface Schedule {
  /** The text it was parsed from. */
  source: string;
  knots: ScheduleKnot[];
  /** interpolations[i] joins knots[i] and knots[i + 1]. */
  interpolations: Interpolation[];
}

const INTERP_WORDS: Record<string, Interpolation> = {
  lin: 'linear',
  linear: 'linear',
  exp: 'exp',
  exponential: 'exp',
  geometric: 'exp',
  log: 'log',
  logarithmic: 'log',
  cos: 'cos',
  cosine: 'cos',
};

function fail(text: string, position: number, what: string): never {
  throw new RelaxCertError(
    'INVALID_SCHEDULE',
    `Schedule "${text}": ${what} at position ${position + 1}.`,
  );
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

/** A tiny cursor over the text, so errors can quote positions. */
class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  skip(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }
  done(): boolean {
    this.skip();
    return this.pos >= this.text.length;
  }
  peek(): string {
    this.skip();
    return this.text[this.pos] ?? '';
  }
  eat(s: string): boolean {
    this.skip();
    if (this.text.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }
  expect(s: string): void {
    if (!this.eat(s)) fail(this.text, this.pos, `expected "${s}", found ${this.found()}`);
  }
  number(): number {
    this.skip();
    const m = NUMBER.exec(this.text.slice(this.pos));
    if (m === null) fail(this.text, this.pos, `expected a number, found ${this.found()}`);
    const v = Number(m[0]);
    if (!Number.isFinite(v)) fail(this.text, this.pos, `number ${m[0]} is not finite`);
    this.pos += m[0].length;
    return v;
  }
  word(): string {
    this.skip();
    const m = /^[A-Za-z]+/.exec(this.text.slice(this.pos));
    if (m === null) return '';
    this.pos += m[0].length;
    return m[0].toLowerCase();
  }
  found(): string {
    return this.pos >= this.text.length
      ? 'the end'
      : `"${this.text.slice(this.pos, this.pos + 8)}"`;
  }
}

function readTime(cur: Cursor): ScheduleTime {
  const start = cur.pos;
  if (cur.word() === 'half') return { unit: 'percent', value: 50 };
  cur.pos = start;
  cur.skip();
  const at = cur.pos;
  const v = cur.number();
  if (cur.text[cur.pos] === '%') {
    cur.pos++;
    if (v < 0 || v > 100) fail(cur.text, at, `percentage ${v}% is outside 0..100`);
    return { unit: 'percent', value: v };
  }
  if (v < 0) fail(cur.text, at, `epoch ${v} is negative`);
  return { unit: 'epoch', value: v };
}

function parseSegments(cur: Cursor): Omit<Schedule, 'source'> {
  const knots: ScheduleKnot[] = [];
  const interpolations: Interpolation[] = [];
  for (;;) {
    cur.expect('[');
    const save = cur.pos;
    // `[time:value]` or `[value]`: try the time form first.
    let knot: ScheduleKnot;
    cur.skip();
    const first = cur.number();
    if (cur.peek() === '%' || cur.peek() === ':') {
      cur.pos = save;
      const at = readTime(cur);
      cur.expect(':');
      knot = { at, value: cur.number() };
    } else {
      knot = { value: first };
    }
    cur.expect(']');
    knots.push(knot);
    if (cur.done()) break;
    const dash = cur.pos;
    cur.expect('-');
    if (cur.peek() === '[') {
      interpolations.push('linear');
      continue;
    }
    const wordAt = cur.pos;
    const w = cur.word();
    const interp = INTERP_WORDS[w];
    if (interp === undefined) {
      fail(
        cur.text,
        wordAt,
        w === ''
          ? `expected "[" or an interpolation after "-" (position ${dash + 1})`
          : `unknown interpolation "${w}"`,
      );
    }
    interpolations.push(interp);
    cur.expect('-');
  }
  return { knots, interpolations };
}

function parseArrow(cur: Cursor): Omit<Schedule, 'source'> {
  const a = cur.number();
  if (!cur.eat('->') && !cur.eat('→'))
    fail(cur.text, cur.pos, `expected "->", found ${cur.found()}`);
  const b = cur.number();
  let interp: Interpolation | undefined;
  let mode: 'whole' | 'after' | 'by' = 'whole';
  let at: ScheduleTime | undefined;
  while (!cur.done()) {
    if (cur.eat(',')) continue;
    const wordAt = cur.pos;
    const w = cur.word();
    if (w !== '' && INTERP_WORDS[w] !== undefined) {
      if (interp !== undefined) fail(cur.text, wordAt, 'a second interpolation');
      interp = INTERP_WORDS[w];
    } else if (w === 'after' || w === 'by' || w === 'until') {
      if (at !== undefined) fail(cur.text, wordAt, `a second time ("${w}")`);
      mode = w === 'after' ? 'after' : 'by';
      at = readTime(cur);
    } else {
      cur.pos = wordAt;
      if (at !== undefined) fail(cur.text, wordAt, `unexpected ${cur.found()}`);
      // A bare time ("log half", "by" omitted).
      if (w === 'half' || NUMBER.test(cur.text.slice(cur.pos).trimStart())) {
        mode = 'by';
        at = readTime(cur);
      } else {
        fail(
          cur.text,
          wordAt,
          `unexpected ${cur.found()} (expected exp, log, cos, linear, after or by)`,
        );
      }
    }
  }
  const start: ScheduleTime = { unit: 'percent', value: 0 };
  const end: ScheduleTime = { unit: 'percent', value: 100 };
  if (mode === 'after' && at !== undefined) {
    return {
      knots: [
        { at: start, value: a },
        { at, value: a },
        { at: end, value: b },
      ],
      interpolations: ['linear', interp ?? 'exp'],
    };
  }
  if (mode === 'by' && at !== undefined) {
    return {
      knots: [
        { at: start, value: a },
        { at, value: b },
        { at: end, value: b },
      ],
      interpolations: [interp ?? 'linear', 'linear'],
    };
  }
  return {
    knots: [
      { at: start, value: a },
      { at: end, value: b },
    ],
    interpolations: [interp ?? 'linear'],
  };
}

function checkSchedule(text: string, s: Omit<Schedule, 'source'>): void {
  s.interpolations.forEach((interp, i) => {
    const a = s.knots[i].value;
    const b = s.knots[i + 1].value;
    if (interp === 'exp' && !(a * b > 0)) {
      throw new RelaxCertError(
        'INVALID_SCHEDULE',
        `Schedule "${text}": exp (geometric) interpolation from ${a} to ${b} needs two non-zero values of the same sign.`,
      );
    }
  });
  // Consecutive timed knots of the same unit must not go back in time.
  let last: ScheduleTime | undefined;
  for (const k of s.knots) {
    if (k.at === undefined) continue;
    if (last !== undefined && last.unit === k.at.unit && k.at.value < last.value) {
      const u = (t: ScheduleTime) => (t.unit === 'percent' ? `${t.value}%` : `epoch ${t.value}`);
      throw new RelaxCertError(
        'INVALID_SCHEDULE',
        `Schedule "${text}": times go backwards (${u(last)} then ${u(k.at)}).`,
      );
    }
    last = k.at;
  }
}

export function parseSchedule(text: string): Schedule {
  if (typeof text !== 'string') {
    throw new RelaxCertError('INVALID_SCHEDULE', 'A schedule must be a string.');
  }
  const cur = new Cursor(text);
  if (cur.done()) fail(text, 0, 'empty schedule');
  let body: Omit<Schedule, 'source'>;
  if (cur.peek() === '[') {
    body = parseSegments(cur);
  } else {
    const save = cur.pos;
    const v = cur.number();
    if (cur.done()) {
      body = { knots: [{ value: v }], interpolations: [] };
    } else {
      cur.pos = save;
      body = parseArrow(cur);
    }
  }
  if (!cur.done()) fail(text, cur.pos, `unexpected ${cur.found()}`);
  checkSchedule(text, body);
  return { source: text, ...body };
}

function interpolate(kind: Interpolation, a: number, b: number, u: number): number {
  if (u <= 0) return a;
  if (u >= 1) return b;
  switch (kind) {
    case 'linear':
      return a + (b - a) * u;
    case 'exp':
      return a * Math.pow(b / a, u);
    case 'cos':
      return a + ((b - a) * (1 - Math.cos(Math.PI * u))) / 2;
    case 'log': {
      // ln(e^a (1 − u) + e^b u), shifted by max(a, b) so large values cannot overflow.
      const m = Math.max(a, b);
      return m + Math.log(Math.exp(a - m) * (1 - u) + Math.exp(b - m) * u);
    }
  }
}

/** Resolved knot times on the epoch axis [0, T]. */
function knotTimes(s: Schedule, T: number): number[] {
  const n = s.knots.length;
  const times: Array<number | undefined> = s.knots.map((k) =>
    k.at === undefined ? undefined : k.at.unit === 'percent' ? (k.at.value / 100) * T : k.at.value,
  );
  if (times[0] === undefined) times[0] = 0;
  if (times[n - 1] === undefined) times[n - 1] = n === 1 ? 0 : T;
  for (let i = 1; i < n - 1; i++) {
    if (times[i] !== undefined) continue;
    let j = i + 1;
    while (times[j] === undefined) j++;
    const t0 = times[i - 1] as number;
    const t1 = times[j] as number;
    for (let q = i; q < j; q++) times[q] = t0 + ((t1 - t0) * (q - i + 1)) / (j - i + 1);
  }
  const out = times as number[];
  for (let i = 1; i < n; i++) {
    if (out[i] < out[i - 1]) {
      throw new RelaxCertError(
        'INVALID_SCHEDULE',
        `Schedule "${s.source}": with ${T + 1} epochs its knot times go backwards (epoch ${out[i - 1]} then ${out[i]}).`,
      );
    }
  }
  return out;
}

/**
 * Value at `epoch` (0-based, fractional allowed) of a run of `totalEpochs` epochs.
 */
export function scheduleValue(s: Schedule, epoch: number, totalEpochs: number): number {
  if (!Number.isFinite(epoch)) {
    throw new RelaxCertError('INVALID_INPUT', `Schedule epoch must be finite (got ${epoch}).`);
  }
  if (!Number.isFinite(totalEpochs) || totalEpochs < 1) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `Schedule: totalEpochs must be ≥ 1 (got ${totalEpochs}).`,
    );
  }
  const knots = s.knots;
  if (knots.length === 1) return knots[0].value;
  // A one-epoch run has no "last epoch" after the first: stretch the axis to 1 so it starts at a.
  const T = totalEpochs > 1 ? totalEpochs - 1 : 1;
  const times = knotTimes(s, T);
  const n = knots.length;
  if (epoch <= times[0]) return knots[0].value;
  if (epoch >= times[n - 1]) return knots[n - 1].value;
  let i = 0;
  while (i < n - 2 && epoch >= times[i + 1]) i++;
  const span = times[i + 1] - times[i];
  const u = span > 0 ? (epoch - times[i]) / span : 1;
  return interpolate(s.interpolations[i], knots[i].value, knots[i + 1].value, u);
}

/** The canonical segment form of a schedule (what the reference library would read). */
export function formatSchedule(s: Schedule): string {
  const knot = (k: ScheduleKnot): string => {
    if (k.at === undefined) return `[${k.value}]`;
    const t = k.at.unit === 'percent' ? `${k.at.value}%` : `${k.at.value}`;
    return `[${t}:${k.value}]`;
  };
  let out = knot(s.knots[0]);
  s.interpolations.forEach((interp, i) => {
    out += interp === 'linear' ? '-' : `-${interp}-`;
    out += knot(s.knots[i + 1]);
  });
  return out;
}
