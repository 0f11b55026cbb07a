/**
 * A copy of a reactive value that follows it only once it has stopped changing for `ms`
 * milliseconds (the first value, and a reset to undefined, pass at once). Heavy charts read the settled copy, so
 * dragging the ε slider updates counts and the table at every step while the charts redraw
 * once the slider rests.
 */
import { shallowRef, watch, type Ref, type ShallowRef } from 'vue';

export function useSettled<T>(source: Ref<T> | (() => T), ms: number): ShallowRef<T> {
  const read = typeof source === 'function' ? source : () => source.value;
  const settled = shallowRef(read());
  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(read, (value) => {
    clearTimeout(timer);
    // Resets (to nothing) and the first value pass at once; only changes of a value wait.
    if (
      settled.value === undefined ||
      settled.value === null ||
      value === undefined ||
      value === null
    ) {
      settled.value = value;
      return;
    }
    timer = setTimeout(() => {
      settled.value = value;
    }, ms);
  });
  return settled;
}
