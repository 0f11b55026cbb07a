/** `relaxcert export RUN --out DIR [--format tfjs|onnx|nnet] [--gloro-head]`. */
import { resolve } from 'node:path';
import { EXPORT_FORMATS } from '../../shared/api/workbench-api.ts';
import type { ExportFormat } from '../../shared/api/workbench-api.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { parseCommand } from './args.ts';
import { withHost } from './open-host.ts';
import { resolveRunId } from './resolve-run.ts';

export const EXPORT_HELP = `Usage: relaxcert export RUN --out DIR [--format tfjs|onnx|nnet] [--gloro-head]

Writes the trained network, the K matrix (k-matrix.json: sound bounds of the Lipschitz
constants of f_j - f_i), the certification report (certification-report.json) and the run's
config into DIR. The network is written as:
  tfjs   model.json + weights.bin (TensorFlow.js layout, RelaxCert's topology; the default)
  onnx   model.onnx (ONNX opset 13, every architecture; image inputs NCHW; output logits)
  nnet   model.nnet (dense networks; MinMax rewritten exactly with ReLU; for ACAS Xu runs the
         original network's input ranges and normalisation, and costs = -logits as outputs)

RUN is a run id, a unique prefix of one, or latest.

Options:
  --out DIR      the folder to write (created if needed)
  --format F     tfjs, onnx or nnet (default tfjs)
  --gloro-head   onnx: a second output 'gloro', the logits and the GloRo bottom logit of the
                 trained guarantee at the trained epsilon (argmax = C means rejected)
  -h, --help     show this help
`;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'export',
    argv,
    { out: { type: 'string' }, format: { type: 'string' }, 'gloro-head': { type: 'boolean' } },
    true,
  );
  if (values.help) {
    process.stdout.write(EXPORT_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `export: one run at a time (got ${positionals.length})`,
    );
  }
  if (values.out === undefined)
    throw new RelaxCertError('INVALID_INPUT', 'export: --out DIR is required');
  const out = resolve(values.out);
  const format = values.format ?? 'tfjs';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `export: --format must be one of ${EXPORT_FORMATS.join(', ')} (got '${format}')`,
      { field: 'format' },
    );
  }
  return withHost(async (host) => {
    const runId = await resolveRunId(host, positionals[0]);
    const { files } = await host.exportRun(runId, out, {
      format: format as ExportFormat,
      ...(values['gloro-head'] === true ? { gloroHead: true } : {}),
    });
    process.stdout.write(
      `exported run ${runId} to ${out}:\n${files.map((f) => `  ${f}\n`).join('')}`,
    );
    return 0;
  });
}
