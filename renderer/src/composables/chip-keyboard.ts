/**
 * Keyboard operation of the affinity editor's class chips, the keyboard twin of drag and drop.
 * A focused chip (Tab reaches every chip) takes:
 * - 1–9: into set 1–9: from the class list it is added; from a set it moves (Shift copies);
 * - ← / →: from a set, moves to the previous / next set (Shift copies);
 * - Delete or Backspace: out of its set.
 * After a move the focus follows the chip to its new place, so keys can be chained.
 */
import { nextTick } from 'vue';

/** Where a chip sits: a set's index, or the list of all classes. */
export type ChipOrigin = number | 'palette';

export type ChipAction =
  { kind: 'move'; to: number } | { kind: 'copy'; to: number } | { kind: 'remove' };

/** The digit of a key press, from its physical key so that Shift+1 still reads as 1. */
function digitOf(code: string): number | undefined {
  const m = /^(?:Digit|Numpad)([1-9])$/.exec(code);
  return m ? Number(m[1]) : undefined;
}

export interface ChipKey {
  key: string;
  code: string;
  shiftKey: boolean;
}

/** What a key press on a chip asks for; undefined when the key means nothing here. */
export function chipKeyAction(
  e: ChipKey,
  from: ChipOrigin,
  setCount: number,
): ChipAction | undefined {
  const digit = digitOf(e.code);
  if (digit !== undefined) {
    const to = digit - 1;
    if (to >= setCount || to === from) return undefined;
    return from === 'palette' || e.shiftKey ? { kind: 'copy', to } : { kind: 'move', to };
  }
  if (from === 'palette') return undefined;
  if (e.key === 'Delete' || e.key === 'Backspace') return { kind: 'remove' };
  if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
    const to = from + (e.key === 'ArrowLeft' ? -1 : 1);
    if (to < 0 || to >= setCount) return undefined;
    return e.shiftKey ? { kind: 'copy', to } : { kind: 'move', to };
  }
  return undefined;
}

/** The keys as a sentence for the editor's help line and the chips' aria-keyshortcuts. */
export const CHIP_KEYS_HELP =
  'Keyboard: Tab to a class, then 1–9 puts it into that set (Shift copies instead of moving), ← → move it between sets, Delete takes it out.';
export const CHIP_KEY_SHORTCUTS = '1 2 3 4 5 6 7 8 9 ArrowLeft ArrowRight Delete';

export interface ChipKeyboardOptions {
  setCount(): number;
  /** Carries out the action on the draft. */
  apply(action: ChipAction, classId: number, from: ChipOrigin): void;
  /** The chip element of a class in a set (or the class list), to move the focus onto. */
  findChip(classId: number, where: ChipOrigin): HTMLElement | null | undefined;
}

export function useChipKeyboard(options: ChipKeyboardOptions): {
  onKey(event: KeyboardEvent, classId: number, from: ChipOrigin): void;
} {
  function onKey(event: KeyboardEvent, classId: number, from: ChipOrigin): void {
    // The remove button inside a chip handles its own keys.
    if (event.target !== event.currentTarget) return;
    const action = chipKeyAction(event, from, options.setCount());
    if (!action) return;
    event.preventDefault();
    options.apply(action, classId, from);
    // Follow the chip: into its new set; after a removal or an add, stay in the old place.
    const focusIn: ChipOrigin = action.kind === 'move' ? action.to : from;
    void nextTick(() => options.findChip(classId, focusIn)?.focus());
  }
  return { onKey };
}
