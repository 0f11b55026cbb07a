import { describe, expect, it } from 'vitest';
import { loadFinalMetrics, relaxedVra } from './final-metrics.ts';
import { fakeApi, makeRun } from '../testing/fixtures.ts';
import type { CertificationSummary, CertifyRequest } from '../../../shared/api/workbench-api.ts';
import { RelaxCertError } from '../../../shared/errors.ts';

const summary = (epsilon: number): CertificationSummary => ({
  n: 100,
  epsilon,
  guarantee: { kind: 'rtk', k: 2 },
  cleanAccuracy: 0.9,
  standardVra: 0.5,
  guaranteeVra: 0.7,
  top1GuaranteeVra: 0.6,
  rejectionRate: 0.2,
  certifiedCount: 70,
});

describe('final metrics of compared runs', () => {
  it('certifies evaluated runs through the host, at one ε when asked', async () => {
    const api = fakeApi({
      certifyRun: (id: never, req: never) => {
        if (id === 'bad')
          throw new RelaxCertError('DATA_FORMAT', 'eval/artifacts.bin is truncated');
        return summary((req as CertifyRequest).epsilon ?? 0.3);
      },
    });
    const runs = [
      makeRun('a'),
      makeRun('b', { state: 'running', evaluated: false }),
      makeRun('c', { state: 'completed', evaluated: false }),
      makeRun('bad'),
    ];
    const rows = await loadFinalMetrics(api, runs);
    expect(rows.map((r) => r.summary?.epsilon ?? r.note)).toEqual([
      0.3,
      'not evaluated yet (running)',
      'no stored evaluation (eval/ missing)',
      'eval/artifacts.bin is truncated',
    ]);
    const common = await loadFinalMetrics(api, [makeRun('a')], 0.1);
    expect(common[0].summary?.epsilon).toBe(0.1);
    expect(api.calls.filter((c) => c.method === 'certifyRun').map((c) => c.args)).toEqual([
      ['a', {}],
      ['bad', {}],
      ['a', { epsilon: 0.1 }],
    ]);
    expect(relaxedVra(summary(1))).toBe(0.7);
  });
});
