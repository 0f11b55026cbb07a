import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ESTIMATE_TERMS, GLOSSARY, METRIC_TERMS, estimateLabel } from './vocabulary.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(
  /\s+/g,
  ' ',
);

describe('the vocabulary', () => {
  it('is stated in the README with the same names and definitions', () => {
    for (const [key, term] of Object.entries(METRIC_TERMS)) {
      expect(readme).toContain(`**${term.label}** (\`${key}\`): ${term.definition}.`);
    }
    for (const [key, term] of Object.entries(ESTIMATE_TERMS)) {
      expect(readme).toContain(`**${term.label}** (\`${key}\`): ${term.definition}.`);
    }
    for (const term of Object.values(GLOSSARY)) {
      expect(readme).toContain(`**${term.label}**: ${term.definition}.`);
    }
  });

  it('gives every figure a distinct label', () => {
    const labels = [
      ...Object.values(METRIC_TERMS),
      ...Object.values(ESTIMATE_TERMS),
      ...Object.values(GLOSSARY),
    ].map((t) => t.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(estimateLabel('standardVra')).toBe('standard VRA (estimate)');
    // Every training-time figure is named and labelled as an estimate.
    for (const [key, term] of Object.entries(ESTIMATE_TERMS)) {
      expect(key).toMatch(/^estimated[A-Z]/);
      expect(term.label).toMatch(/\(estimate\)$/);
    }
  });
});
