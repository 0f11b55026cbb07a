import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../shared/errors.ts';
import { advisory, evaluateNnet, parseNnet } from './nnet.ts';
import { ACAS_DIR, TINY_NNET, tinyNnetAdvisory } from './testing/fixtures.ts';

const realPath = `${ACAS_DIR}ACASXU_run2a_1_1_batch_2000.nnet`;

function lines(): string[] {
  return TINY_NNET.split('\n');
}

function parseError(text: string): RelaxCertError {
  try {
    parseNnet(text, 'net.nnet');
  } catch (error) {
    expect(error).toBeInstanceOf(RelaxCertError);
    return error as RelaxCertError;
  }
  throw new Error('expected a parse error');
}

describe('.nnet reader', () => {
  it('reads sizes, box, normalisation and layers', () => {
    const net = parseNnet(TINY_NNET, 'tiny.nnet');
    expect(net.layerSizes).toEqual([2, 3, 3]);
    expect([...net.inputMins]).toEqual([0, -1]);
    expect([...net.inputMaxs]).toEqual([10, 1]);
    expect([...net.means]).toEqual([5, 0, 1]);
    expect([...net.ranges]).toEqual([10, 2, 2]);
    expect([...net.weights[1]]).toEqual([1, 0, 0, 0, 1, 0, 0, 0, -1]);
    expect([...net.biases[1]]).toEqual([0, 0, 0.3]);
    expect(net.symmetric).toBe(false);
  });

  it('evaluates with clipping, normalisation, ReLU hidden and linear output; advisory = smallest', () => {
    const net = parseNnet(TINY_NNET, 'tiny.nnet');
    // x = (8, 0.2): u = 0.3, v = 0.1 → h = (0.3, 0, 0.1) → raw out (0.3, 0, 0.2) → ×2 + 1.
    const out = evaluateNnet(net, [8, 0.2]);
    expect(out[0]).toBeCloseTo(1.6, 12);
    expect(out[1]).toBeCloseTo(1.0, 12);
    expect(out[2]).toBeCloseTo(1.4, 12);
    expect(advisory(out)).toBe(1);
    // Clipping: x0 = 50 behaves like 10.
    expect([...evaluateNnet(net, [50, 0.2])]).toEqual([...evaluateNnet(net, [10, 0.2])]);
    for (const [a, b] of [
      [1, 0],
      [9, -0.5],
      [3, 0.9],
      [7, 5],
      [-4, -3],
    ])
      expect(advisory(evaluateNnet(net, [a, b]))).toBe(tinyNnetAdvisory(a, b));
  });

  it('names the line and what was expected when a weight row has the wrong count', () => {
    const l = lines();
    l[10] = '-1.0,0.0,7.0,'; // line 11: weights of layer 1, row 2
    const e = parseError(l.join('\n'));
    expect(e.code).toBe('DATA_FORMAT');
    expect(e.line).toBe(11);
    expect(e.message).toContain('net.nnet: line 11');
    expect(e.message).toContain('expected 2 values, found 3');
  });

  it('rejects layer sizes that contradict the header', () => {
    const l = lines();
    l[3] = '2,4,3,';
    const e = parseError(l.join('\n'));
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/maxLayerSize/);
  });

  it('rejects layer sizes that would need an impossible allocation, naming file and line', () => {
    const l = lines();
    // 2 × 3e9 weights would be a RangeError from Float64Array; a few million would only waste
    // memory before the file ends early. Both are answered from the sizes alone.
    for (const big of [3_000_000_000, 3_000_000]) {
      l[2] = `2,2,3,${big},`;
      l[3] = `2,${big},3,`;
      const e = parseError(l.join('\n'));
      expect(e.code).toBe('DATA_FORMAT');
      expect(e.line).toBe(4);
      expect(e.message).toMatch(
        new RegExp(
          `^net\\.nnet: line 4: layer sizes 2, ${big}, 3 declare .* weights, more than a file of \\d+ characters can hold`,
        ),
      );
    }
  });

  it('rejects non-numbers, early ends and trailing data', () => {
    const l = lines();
    l[7] = '5.0,abc,1.0,';
    const e1 = parseError(l.join('\n'));
    expect(e1.message).toContain('line 8, column 2');
    const e2 = parseError(lines().slice(0, 15).join('\n'));
    expect(e2.message).toMatch(/file ends early: expected weights of layer 2, row 1/);
    const e3 = parseError(`${TINY_NNET}\n1.0,\n`);
    expect(e3.message).toMatch(/line 23: unexpected data after the last layer/);
  });

  it.skipIf(!existsSync(realPath))('reads the real ACAS Xu network 1_1', () => {
    const net = parseNnet(readFileSync(realPath, 'utf8'), realPath);
    expect(net.layerSizes).toEqual([5, 50, 50, 50, 50, 50, 50, 5]);
    expect(net.inputMaxs[0]).toBe(60760);
    const out = evaluateNnet(net, [2000, 0, 0, 500, 500]);
    expect(out).toHaveLength(5);
    expect(out.every(Number.isFinite)).toBe(true);
  });
  if (!existsSync(realPath)) console.log(`SKIPPED: real ACAS Xu networks not found at ${realPath}`);
});
