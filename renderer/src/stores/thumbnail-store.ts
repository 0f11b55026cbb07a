/** Object URLs of PNG thumbnails fetched from the host, cached per data set and point. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DatasetSpec } from '../../../shared/config/experiment.ts';
import { useWorkbenchApi } from '../api/api-holder.ts';

export const useThumbnailStore = defineStore('thumbnails', () => {
  const urls = ref<Record<string, string>>({});
  const inflight = new Set<string>();
  const failed = new Set<string>();

  function key(spec: DatasetSpec, index: number): string {
    return `${JSON.stringify(spec)}#${index}`;
  }

  /** The URL when loaded; otherwise starts loading (once) and returns undefined. */
  function get(spec: DatasetSpec, index: number): string | undefined {
    if (index < 0) return undefined;
    const k = key(spec, index);
    const have = urls.value[k];
    if (have || inflight.has(k) || failed.has(k)) return have;
    inflight.add(k);
    useWorkbenchApi()
      .getThumbnail(spec, 'test', index)
      .then((bytes) => {
        const url = URL.createObjectURL(
          new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }),
        );
        urls.value = { ...urls.value, [k]: url };
      })
      .catch(() => failed.add(k))
      .finally(() => inflight.delete(k));
    return undefined;
  }

  return { urls, get };
});
