/**
 * The self-contained HTML report of an evaluated run: config, the sound figures (certification
 * session at the trained ε and guarantee), training curves (labelled estimates), VRA vs ε,
 * the confusion matrix with ⊥ and a sample of rejected points with their explanations. One
 * file with inline CSS and SVG, no script and nothing to fetch, so it opens offline anywhere.
 */
import type { EpochMetrics, RunSummary } from '../../shared/api/run-types.ts';
import type { EvalArtifacts } from '../../shared/api/workbench-api.ts';
import type { Guarantee } from '../../shared/config/experiment.ts';
import {
  ESTIMATE_TERMS,
  formatAffinitySets,
  GLOSSARY,
  METRIC_TERMS,
  prepareCertification,
} from '../../shared/certify/index.ts';
import type { MetricKey, PointExplanation } from '../../shared/certify/index.ts';
import { CLAIM_TERMS, DEFAULT_CLAIM, standInNote, underClaim } from '../../shared/certify/claim.ts';
import type { CertClaim } from '../../shared/certify/claim.ts';
import { VERSION } from '../../shared/version.ts';
import { escapeHtml as esc, lineChartSvg } from './svg-chart.ts';
import type { ChartSeries } from './svg-chart.ts';

export interface ReportInput {
  run: RunSummary;
  metrics: EpochMetrics[];
  artifacts: EvalArtifacts;
  /** What the certificates claim (default DEFAULT_CLAIM). */
  claim?: CertClaim;
  /** ISO time written into the report (tests pass a fixed one). */
  generatedAt?: string;
}

/** Rejected points explained in the report, spread evenly over the rejected ones. */
export const REJECTED_SAMPLE = 8;

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function num(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : x > 0 ? '∞' : '−∞';
}

function guaranteeText(g: Guarantee): string {
  if (g.kind === 'standard') return 'standard GloRo';
  if (g.kind === 'rtk') return `relaxed top-${g.k} (RT${g.k})`;
  return `affinity sets ${formatAffinitySets(g.sets)}`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}
th{background:#f4f4f4}td.l,th.l{text-align:left}.note{color:#666;font-size:13px}
.bottom{background:#fde8e8}.diag{background:#e6f4e6}pre{background:#f7f7f7;padding:8px;overflow:auto}
.charts{display:flex;flex-wrap:wrap;gap:16px}.point{margin:14px 0;padding:8px;border:1px solid #eee}`;

export function runReportHtml(input: ReportInput): string {
  const { run, metrics, artifacts } = input;
  const claim = input.claim ?? DEFAULT_CLAIM;
  const session = prepareCertification(underClaim(artifacts, claim), artifacts.guarantee);
  const epsilon = artifacts.trainedEpsilon;
  const at = session.at(epsilon);
  const name = (c: number) => esc(artifacts.classNames[c] ?? String(c));
  const sections = [
    header(input),
    figures(session.summary(epsilon), claim, standInNote(artifacts, claim)),
    vraVsEpsilon(session, epsilon),
    trainingCurves(metrics),
    confusion(session.confusion(at), artifacts.classNames),
    rejected(at.output.certified, (i) => session.explain(i, epsilon), name),
    config(run),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>RelaxCert report: ${esc(run.name)}</title><style>${STYLE}</style></head>
<body>
${sections.join('\n')}
</body></html>
`;
}

function header({ run, artifacts, generatedAt }: ReportInput): string {
  return `<h1>${esc(run.name)}</h1>
<p class="note">Run <code>${esc(run.id)}</code>, ${esc(run.state)}, ${run.epochsDone} epochs${
    run.backend ? ` on ${esc(run.backend)}` : ''
  }; ${artifacts.n} test points, ${artifacts.c} classes; trained at ε = ${artifacts.trainedEpsilon} with ${esc(
    guaranteeText(artifacts.guarantee),
  )}. Report by RelaxCert ${esc(VERSION)}${generatedAt ? `, ${esc(generatedAt)}` : ''}.</p>`;
}

function figures(
  summary: Record<MetricKey, number>,
  claim: CertClaim,
  note: string | undefined,
): string {
  const rows = (Object.keys(METRIC_TERMS) as MetricKey[]).map((key) => {
    const t = METRIC_TERMS[key];
    const value = key === 'certifiedCount' ? String(summary[key]) : pct(summary[key]);
    return `<tr><td class="l" title="${esc(t.definition)}">${esc(t.label)}</td><td id="metric-${key}">${value}</td><td class="l note">${esc(t.definition)}</td></tr>`;
  });
  return `<h2>Sound figures at the trained ε</h2>
<p class="note" id="claim">Claim: <strong>${esc(CLAIM_TERMS[claim].label)}</strong>: ${esc(
    CLAIM_TERMS[claim].definition,
  )}. Certified with proven Lipschitz bounds and each point's error bound for this claim.${
    note === undefined ? '' : ` Note: ${esc(note)}.`
  }</p>
<table><tr><th class="l">figure</th><th>value</th><th class="l">meaning</th></tr>${rows.join('')}</table>`;
}

function vraVsEpsilon(session: ReturnType<typeof prepareCertification>, trained: number): string {
  const max = trained > 0 ? 2 * trained : 1;
  const epsilons = Array.from({ length: 41 }, (_, i) => (max * i) / 40);
  const curves = session.curves(epsilons);
  const series: ChartSeries[] = [
    {
      name: METRIC_TERMS.standardVra.label,
      points: epsilons.map((e, i): [number, number] => [e, curves.standardVra[i]]),
      color: '#1f77b4',
    },
  ];
  if (session.guarantee.kind !== 'standard') {
    series.push({
      name: METRIC_TERMS.guaranteeVra.label,
      points: epsilons.map((e, i): [number, number] => [e, curves.guaranteeVra[i]]),
      color: '#d62728',
    });
  }
  return `<h2>VRA vs ε</h2>${lineChartSvg({
    title: 'VRA vs ε (sound)',
    xLabel: 'ε',
    yLabel: 'fraction of test points',
    series,
    yRange: [0, 1],
    marker: { x: trained, label: 'trained ε' },
  })}`;
}

function trainingCurves(metrics: EpochMetrics[]): string {
  if (metrics.length === 0) return '<h2>Training</h2><p class="note">No epochs recorded.</p>';
  const series: ChartSeries[] = [
    {
      name: 'clean accuracy',
      points: metrics.map((e): [number, number] => [e.epoch, e.cleanAccuracy]),
      color: '#2ca02c',
    },
    {
      name: ESTIMATE_TERMS.estimatedStandardVra.label,
      points: metrics.map((e): [number, number] => [e.epoch, e.estimatedStandardVra]),
      color: '#1f77b4',
      dashed: true,
    },
  ];
  if (metrics[0].estimatedGuaranteeVra !== undefined) {
    series.push({
      name: ESTIMATE_TERMS.estimatedGuaranteeVra.label,
      points: metrics.map((e): [number, number] => [e.epoch, e.estimatedGuaranteeVra ?? NaN]),
      color: '#d62728',
      dashed: true,
    });
  }
  return `<h2>Training</h2>
<p class="note">Dashed: ${esc(GLOSSARY.estimate.label)}s — ${esc(GLOSSARY.estimate.definition)}.</p>
<div class="charts">${lineChartSvg({
    title: 'accuracy and VRA per epoch',
    xLabel: 'epoch',
    yLabel: 'fraction',
    series,
    yRange: [0, 1],
  })}${lineChartSvg({
    title: 'training loss',
    xLabel: 'epoch',
    yLabel: 'loss',
    series: [
      {
        name: 'loss',
        points: metrics.map((m): [number, number] => [m.epoch, m.trainLoss]),
        color: '#555',
      },
    ],
  })}</div>`;
}

function confusion(matrix: number[][], classNames: string[]): string {
  const c = matrix.length;
  const label = (i: number) => esc(classNames[i] ?? String(i));
  const head = Array.from({ length: c }, (_, i) => `<th>${label(i)}</th>`).join('');
  const rows = matrix.map(
    (row, y) =>
      `<tr><th class="l">${label(y)}</th>${row
        .map(
          (v, x) => `<td${x === c ? ' class="bottom"' : x === y ? ' class="diag"' : ''}>${v}</td>`,
        )
        .join('')}</tr>`,
  );
  return `<h2>Confusion matrix at the trained ε</h2>
<p class="note">Rows: true label; columns: prediction, or ⊥ when rejected (${esc(GLOSSARY.bottom.definition)}).</p>
<table id="confusion"><tr><th class="l">label \\ predicted</th>${head}<th>⊥</th></tr>${rows.join('')}</table>`;
}

function rejected(
  certified: Uint8Array,
  explain: (i: number) => PointExplanation,
  name: (c: number) => string,
): string {
  const all: number[] = [];
  for (let i = 0; i < certified.length; i++) if (certified[i] === 0) all.push(i);
  if (all.length === 0)
    return '<h2>Rejected points</h2><p class="note">None: every point is certified.</p>';
  const count = Math.min(REJECTED_SAMPLE, all.length);
  const sample = Array.from({ length: count }, (_, t) => all[Math.floor((t * all.length) / count)]);
  const set = (ids: number[]) => `{${ids.map(name).join(', ')}}`;
  const points = sample.map((i) => {
    const e = explain(i);
    const rows = e.perK.map(
      (k) =>
        `<tr><td>${k.k}</td><td class="l">${set(k.topK)}</td><td>${k.allowed ? 'yes' : 'no'}</td><td class="l">${
          k.binding ? `(${name(k.binding.j)}, ${name(k.binding.i)})` : '–'
        }</td><td>${k.binding ? num(k.binding.gap) : '–'}</td><td>${
          k.binding ? num(k.binding.epsilonK) : '–'
        }</td><td>${num(k.error)}</td><td>${num(k.margin)}</td><td class="l">${esc(k.reason)}</td></tr>`,
    );
    return `<div class="point" id="point-${i}"><b>point ${i}</b>: label ${name(e.label)}, predicted ${name(
      e.predicted,
    )}. ${esc(e.reason)}. Certified radius ${num(e.radius)}${
      e.radiusLimit
        ? ` (limited by k = ${e.radiusLimit.k}, pair (${name(e.radiusLimit.j)}, ${name(e.radiusLimit.i)}))`
        : ''
    }.
<table><tr><th>k</th><th class="l">top-k set</th><th>allowed</th><th class="l">pair (j, i)</th><th>f_j − f_i</th><th>ε·K_ji</th><th>error bound</th><th>margin m^k</th><th class="l">why</th></tr>${rows.join(
      '',
    )}</table></div>`;
  });
  return `<h2>Rejected points</h2>
<p class="note">${count} of ${all.length} rejected points, evenly spread, each with its explanation.</p>
${points.join('\n')}`;
}

function config(run: RunSummary): string {
  return `<h2>Configuration</h2><pre>${esc(JSON.stringify(run.config, null, 2))}</pre>`;
}
