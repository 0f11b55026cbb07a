/** Checks of request arguments that arrive from a transport as untyped JSON. */
import { parseClaim } from '../../shared/certify/claim.ts';
import { SWEEP_SEEDS } from '../../shared/api/sweep-types.ts';
import type { SweepRequest } from '../../shared/api/sweep-types.ts';
import type { CertifyRequest } from '../../shared/api/workbench-api.ts';
import type { DatasetSpec } from '../../shared/config/experiment.ts';
import { findControlCharacter } from '../../shared/control-characters.ts';
import { RelaxCertError } from '../../shared/errors.ts';

function bad(field: string, message: string): never {
  throw new RelaxCertError('INVALID_INPUT', message, { field });
}

export function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.trim() === '') bad('name', 'name must be a non-empty text');
  if (name.length > 200) bad('name', `name is ${name.length} characters long (at most 200)`);
  const control = findControlCharacter(name);
  if (control !== undefined) bad('name', `name holds the control character ${control}`);
}

export function checkDatasetSpec(spec: unknown): asserts spec is DatasetSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    bad('dataset', 'dataset must be an object with a kind');
  }
  if (typeof (spec as { kind?: unknown }).kind !== 'string') {
    bad('dataset.kind', 'dataset.kind must be a text');
  }
}

export function checkCertifyRequest(request: unknown): asserts request is CertifyRequest {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    bad('request', 'the certify request must be an object');
  }
  const r = request as Record<string, unknown>;
  if (r.claim !== undefined) parseClaim(r.claim);
  if (r.epsilon !== undefined) {
    if (typeof r.epsilon !== 'number' || !Number.isFinite(r.epsilon) || r.epsilon < 0) {
      bad('epsilon', `epsilon must be a finite number ≥ 0 (got ${String(r.epsilon)})`);
    }
  }
  if (r.guarantee !== undefined) {
    const g = r.guarantee as Record<string, unknown> | null;
    if (typeof g !== 'object' || g === null) bad('guarantee', 'guarantee must be an object');
    if (g.kind === 'standard') return;
    if (g.kind === 'rtk') {
      if (typeof g.k !== 'number' || !Number.isInteger(g.k) || g.k < 1) {
        bad('guarantee.k', `RTK K must be an integer ≥ 1 (got ${String(g.k)})`);
      }
      return;
    }
    if (g.kind === 'affinity') {
      if (!Array.isArray(g.sets)) bad('guarantee.sets', 'affinity sets must be a list of lists');
      return;
    }
    bad('guarantee.kind', `unknown guarantee kind '${String(g.kind)}'`);
  }
}

export function checkOutDir(outDir: unknown): asserts outDir is string {
  if (typeof outDir !== 'string' || outDir.trim() === '') {
    bad('outDir', 'the export folder must be a non-empty path');
  }
}

export function checkSweepRequest(request: unknown): asserts request is SweepRequest {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    bad('request', 'the sweep request must be an object with runId and seeds');
  }
  const seeds = (request as Record<string, unknown>).seeds;
  if (
    typeof seeds !== 'number' ||
    !Number.isInteger(seeds) ||
    seeds < SWEEP_SEEDS.min ||
    seeds > SWEEP_SEEDS.max
  ) {
    bad(
      'seeds',
      `seeds must be an integer from ${SWEEP_SEEDS.min} to ${SWEEP_SEEDS.max} (got ${String(seeds)})`,
    );
  }
}

export function checkSweepId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !/^sweep-[A-Za-z0-9_-]{1,73}$/.test(id)) {
    bad('sweepId', `'${String(id)}' is not a sweep id`);
  }
}
