import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick, ref } from 'vue';
import { useSettled } from './settled.ts';

describe('useSettled', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('passes the first value at once and later ones after a quiet period', async () => {
    const source = ref<number | undefined>(undefined);
    const settled = useSettled(source, 100);
    source.value = 1;
    await nextTick();
    expect(settled.value).toBe(1);
    source.value = 2;
    await nextTick();
    vi.advanceTimersByTime(50);
    source.value = 3;
    await nextTick();
    vi.advanceTimersByTime(50);
    expect(settled.value).toBe(1);
    vi.advanceTimersByTime(60);
    expect(settled.value).toBe(3);
  });
});
