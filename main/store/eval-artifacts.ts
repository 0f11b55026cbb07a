/**
 * Codec of a run's certification artefacts, `${runDir}/eval/artifacts.bin`. No tfjs: the host's
 * main thread reads it. Format 3 is the shared binary container (binary-container.ts, magic
 * "RCEV"): the JSON header holds everything but the arrays (the decision-region grid's scalars
 * as `regions`), and the arrays are named sections: `lipschitz` float64 c×c, `errorBase` and
 * `errorPerEpsilon` float64 n (the `float32` claim's bound), `exactErrorBase` and
 * `exactErrorPerEpsilon` float64 n (the `exact` claim's), `logits` float32 n×c, `labels` int32 n,
 * `inputs` float32 (optional), and for the optional grid `regionLogits` float32 side²×c,
 * `regionErrorBase`, `regionErrorPerEpsilon`, `regionExactErrorBase` and
 * `regionExactErrorPerEpsilon` float64 side².
 *
 * Files written before the `exact` claim existed (format 2, and format 3 without the exact
 * sections) hold only the float32 claim's bound. It also bounds the error of the stored logits
 * at x, which is all the exact claim needs, so it stands in for the exact bound: sound, only
 * looser (`relaxcert evaluate RUN` stores the tighter one).
 *
 * Format 2 (its own layout, same content) is still read, by eval-artifacts-v2.ts. Format 1
 * (before the per-point float32 error bound) is refused: its one global slack rested on
 * unchecked assumptions, so its certificates cannot be reproduced soundly.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import { decodeContainer, encodeContainer } from './binary-container.ts';
import type { ContainerFormat, DecodedContainer, NamedSection } from './binary-container.ts';
import { decodeEvalArtifactsV2 } from './eval-artifacts-v2.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import type { DecisionGrid, EvalArtifacts } from '../../shared/api/workbench-api.ts';
import { CERT_CLAIMS } from '../../shared/certify/claim.ts';
import type { CertClaim, ClaimErrorBounds } from '../../shared/certify/claim.ts';
import type { ErrorBound } from '../../shared/certify/input.ts';

const FORMAT: ContainerFormat = {
  magic: 'RCEV',
  version: 3,
  what: 'RelaxCert evaluation file',
};

type Header = Omit<
  EvalArtifacts,
  'logits' | 'labels' | 'lipschitz' | 'inputs' | 'errorBounds' | 'regions'
> & {
  regions?: Omit<DecisionGrid, 'logits' | 'errorBounds'>;
};

/** Section names of each claim's bound: base and per-ε, for the test points and the grid. */
const BOUND_SECTIONS: Record<CertClaim, { points: [string, string]; grid: [string, string] }> = {
  float32: {
    points: ['errorBase', 'errorPerEpsilon'],
    grid: ['regionErrorBase', 'regionErrorPerEpsilon'],
  },
  exact: {
    points: ['exactErrorBase', 'exactErrorPerEpsilon'],
    grid: ['regionExactErrorBase', 'regionExactErrorPerEpsilon'],
  },
};

function boundsLength(bounds: ClaimErrorBounds, want: number): boolean {
  return CERT_CLAIMS.every(
    (claim) => bounds[claim].base.length === want && bounds[claim].perEpsilon.length === want,
  );
}

function boundSections(bounds: ClaimErrorBounds, place: 'points' | 'grid'): NamedSection[] {
  return CERT_CLAIMS.flatMap((claim) => {
    const [base, perEpsilon] = BOUND_SECTIONS[claim][place];
    return [
      { name: base, data: bounds[claim].base },
      { name: perEpsilon, data: bounds[claim].perEpsilon },
    ];
  });
}

export function evalArtifactsPath(runDir: string): string {
  return join(runDir, 'eval', 'artifacts.bin');
}

/** Throws (a programming error, not a user's) when the arrays do not fit n, c and the grid. */
function checkShapes(a: EvalArtifacts): void {
  const { n, c } = a;
  if (a.logits.length !== n * c)
    throw new Error(`logits: ${a.logits.length} values, want ${n * c}`);
  if (a.labels.length !== n) throw new Error(`labels: ${a.labels.length} values, want ${n}`);
  if (a.lipschitz.length !== c * c)
    throw new Error(`lipschitz: ${a.lipschitz.length}, want ${c * c}`);
  if (!boundsLength(a.errorBounds, n))
    throw new Error(`errorBounds: want ${n} values in each base and perEpsilon`);
  const g = a.regions;
  if (g === undefined) return;
  const cells = g.side * g.side;
  if (g.logits.length !== cells * c || !boundsLength(g.errorBounds, cells))
    throw new Error(`regions: want ${cells * c} logits and ${cells} error bounds`);
}

export function encodeEvalArtifacts(a: EvalArtifacts): Uint8Array {
  checkShapes(a);
  const { logits, labels, lipschitz, errorBounds, inputs, regions, ...rest } = a;
  const header: Header = { ...rest };
  const sections: NamedSection[] = [
    { name: 'lipschitz', data: lipschitz },
    ...boundSections(errorBounds, 'points'),
    { name: 'logits', data: logits },
    { name: 'labels', data: labels },
  ];
  if (inputs !== undefined) sections.push({ name: 'inputs', data: inputs });
  if (regions !== undefined) {
    const { logits: gridLogits, errorBounds: gridBounds, ...grid } = regions;
    header.regions = grid;
    sections.push({ name: 'regionLogits', data: gridLogits }, ...boundSections(gridBounds, 'grid'));
  }
  return encodeContainer(FORMAT, header, sections);
}

/** The version of an "RCEV" file, or undefined when the bytes are not one (the container says). */
function rcevVersion(bytes: Uint8Array): number | undefined {
  if (bytes.length < 8) return undefined;
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== FORMAT.magic) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true);
}

export function decodeEvalArtifacts(bytes: Uint8Array, file = 'eval artefacts'): EvalArtifacts {
  const version = rcevVersion(bytes);
  if (version === 1) {
    throw new RelaxCertError(
      'DATA_FORMAT',
      `${file}: evaluated before per-point float32 error bounds (format 1); its certificates ` +
        'are not proven: evaluate the run again (relaxcert evaluate RUN)',
      { file },
    );
  }
  if (version === 2) return decodeEvalArtifactsV2(bytes, file);
  return fromContainer(decodeContainer(bytes, FORMAT, file), file);
}

/** The artefacts of a decoded container, each section's length checked against n, c and side. */
function fromContainer(d: DecodedContainer, file: string): EvalArtifacts {
  const fail = (why: string): never => {
    throw new RelaxCertError('DATA_FORMAT', `${file}: ${why}`, { file });
  };
  const header = d.header as Header | null;
  if (!Number.isSafeInteger(header?.n) || !Number.isSafeInteger(header?.c))
    return fail('header lacks the number of points n or of classes c');
  const { n, c } = header as Header;
  const sized = <T extends { length: number }>(name: string, data: T, want: number): T =>
    data.length === want ? data : fail(`section "${name}" has ${data.length} values, want ${want}`);
  const bound = ([base, perEpsilon]: [string, string], want: number): ErrorBound => ({
    base: sized(base, d.section(base, 'float64'), want),
    perEpsilon: sized(perEpsilon, d.section(perEpsilon, 'float64'), want),
  });
  // Files from before the exact claim lack its sections: the float32 bound stands in (file
  // comment), and the artefacts say so (exactBoundStandIn).
  const bounds = (place: 'points' | 'grid', want: number): ClaimErrorBounds => {
    const float32 = bound(BOUND_SECTIONS.float32[place], want);
    const exact = BOUND_SECTIONS.exact[place];
    return { float32, exact: d.sections.has(exact[0]) ? bound(exact, want) : float32 };
  };
  const standIn = !d.sections.has(BOUND_SECTIONS.exact.points[0]);
  const { regions, ...rest } = header as Header;
  const result: EvalArtifacts = {
    ...rest,
    lipschitz: sized('lipschitz', d.section('lipschitz', 'float64'), c * c),
    errorBounds: bounds('points', n),
    logits: sized('logits', d.section('logits', 'float32'), n * c),
    labels: sized('labels', d.section('labels', 'int32'), n),
  };
  if (standIn) result.exactBoundStandIn = true;
  if (d.sections.has('inputs')) result.inputs = d.section('inputs', 'float32');
  if (regions !== undefined) {
    const cells = regions.side * regions.side;
    result.regions = {
      ...regions,
      logits: sized('regionLogits', d.section('regionLogits', 'float32'), cells * c),
      errorBounds: bounds('grid', cells),
    };
  }
  return result;
}

export async function writeEvalArtifacts(runDir: string, a: EvalArtifacts): Promise<void> {
  await mkdir(join(runDir, 'eval'), { recursive: true });
  await writeFileAtomic(evalArtifactsPath(runDir), encodeEvalArtifacts(a));
}

export async function readEvalArtifacts(runDir: string): Promise<EvalArtifacts> {
  const path = evalArtifactsPath(runDir);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw new RelaxCertError('NOT_FOUND', `no evaluation artefacts at ${path}`, { file: path });
  }
  return decodeEvalArtifacts(bytes, path);
}
