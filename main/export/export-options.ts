/** Checks exportRun's options (they may come over the wire) and builds the ⊥ head's inputs. */
import type { EvalArtifacts, ExportFormat } from '../../shared/api/workbench-api.ts';
import { EXPORT_FORMATS } from '../../shared/api/workbench-api.ts';
import { toCertGuarantee } from '../../shared/certify/guarantee.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import type { GloroHead } from './onnx.ts';

function bad(field: string, message: string): never {
  throw new RelaxCertError('INVALID_INPUT', message, { field });
}

/** The format to write (default tfjs); throws naming the option at fault. */
export function checkExportOptions(options: unknown): ExportFormat {
  if (options === undefined) return 'tfjs';
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    bad('options', 'export options must be an object');
  const { format, gloroHead, ...rest } = options as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) bad(unknown[0], `unknown export option '${unknown[0]}'`);
  if (format !== undefined && !(EXPORT_FORMATS as readonly unknown[]).includes(format))
    bad('format', `format must be one of ${EXPORT_FORMATS.join(', ')} (got ${String(format)})`);
  if (gloroHead !== undefined && typeof gloroHead !== 'boolean')
    bad('gloroHead', 'gloroHead must be true or false');
  const chosen = (format ?? 'tfjs') as ExportFormat;
  if (gloroHead === true && chosen !== 'onnx')
    bad('gloroHead', `the ⊥ head is written in ONNX exports only (format is ${chosen})`);
  return chosen;
}

/** The GloRo head of the run as trained: its ε, guarantee and sound K matrix. */
export function gloroHeadOf(artifacts: EvalArtifacts): GloroHead {
  return {
    epsilon: artifacts.trainedEpsilon,
    guarantee: toCertGuarantee(artifacts.guarantee, artifacts.c),
    k: artifacts.lipschitz,
  };
}
