/** Colours for charts, per theme (ECharts draws on canvas and cannot read CSS variables). */
import type { Theme } from '../stores/ui-store.ts';

export interface ChartColors {
  text: string;
  muted: string;
  grid: string;
  axis: string;
  background: string;
  reject: string;
  series: string[];
}

// Distinguishable in both themes; the first four follow TensorBoard's run colours.
const SERIES = [
  '#e8710a',
  '#1a73e8',
  '#12b5cb',
  '#e52592',
  '#9334e6',
  '#f9ab00',
  '#7cb342',
  '#3949ab',
  '#ff7043',
  '#26a69a',
  '#8d6e63',
  '#ab47bc',
];
const SERIES_DARK = [
  '#f29a3a',
  '#6ea8fe',
  '#3dd3e8',
  '#f36cb5',
  '#b57bff',
  '#ffc83d',
  '#9ccc65',
  '#8c9eff',
  '#ff8a65',
  '#4db6ac',
  '#bcaaa4',
  '#ce93d8',
];

export function chartColors(theme: Theme): ChartColors {
  return theme === 'dark'
    ? {
        text: '#e6e8eb',
        muted: '#9aa3ae',
        grid: '#2c323b',
        axis: '#4a515c',
        background: 'transparent',
        reject: '#8b949e',
        series: SERIES_DARK,
      }
    : {
        text: '#1f2328',
        muted: '#5b6470',
        grid: '#e4e7eb',
        axis: '#b8bec7',
        background: 'transparent',
        reject: '#7d8590',
        series: SERIES,
      };
}

/** Class colours for scatter plots and chips: cycles the series palette. */
export function classColor(theme: Theme, classId: number): string {
  const s = chartColors(theme).series;
  return s[classId % s.length];
}
