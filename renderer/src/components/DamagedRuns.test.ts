/**
 * The damaged run folders' panel, rendered to HTML (server rendering: no DOM needed): each
 * folder with its reason and a labelled Delete button, text escaped, nothing at all when no
 * folder is damaged. Clicking through the confirmation runs in the e2e suite (e2e/workbench).
 */
import { createPinia, setActivePinia } from 'pinia';
import { createSSRApp } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { beforeEach, describe, expect, it } from 'vitest';
import { setWorkbenchApi } from '../api/api-holder.ts';
import { useRunsStore } from '../stores/runs-store.ts';
import { fakeApi, makeRun } from '../testing/fixtures.ts';
import DamagedRuns from './DamagedRuns.vue';

/** Renders the panel after `prepare` has filled the runs store. */
async function render(prepare: () => Promise<void>): Promise<string> {
  const app = createSSRApp(DamagedRuns);
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
  await prepare();
  return renderToString(app);
}

describe('DamagedRuns', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('lists each damaged folder with its reason and a Delete button naming it', async () => {
    const id = '20261201-034400-abc123';
    const reason = `/home/u/runs/${id}/config.json: Unexpected token < in JSON at position 0`;
    setWorkbenchApi(
      fakeApi({
        listRuns: () => [makeRun('a')],
        listDamagedRuns: () => [
          { id, reason },
          { id: '20261201-034401-def456', reason: 'state.json is missing' },
        ],
      }),
    );
    const html = await render(() => useRunsStore().refresh());
    expect(html).toContain('Damaged run folders');
    expect(html).toMatch(new RegExp(`<code class="folder"[^>]*>${id}</code>`));
    // The reason is text, escaped: a '<' in it cannot become markup.
    expect(html).toContain('Unexpected token &lt; in JSON');
    expect(html).toContain(`aria-label="Delete the damaged run folder ${id}"`);
    expect(html).toContain('state.json is missing');
    expect(html.match(/<li /g)).toHaveLength(2);
    // No confirmation until asked.
    expect(html).not.toContain('Confirm: delete');
  });

  it('renders nothing once the last damaged folder is deleted (here or elsewhere)', async () => {
    const api = fakeApi({
      listRuns: () => [makeRun('a')],
      listDamagedRuns: () => [{ id: 'x', reason: 'config.json: bad' }],
    });
    setWorkbenchApi(api);
    const html = await render(async () => {
      const store = useRunsStore();
      await store.refresh();
      store.subscribe();
      expect(store.damaged).toHaveLength(1);
      api.emit({ type: 'run-deleted', runId: 'x' });
    });
    expect(html).not.toContain('Damaged run folders');
    expect(html).toBe('<!---->');
  });
});
