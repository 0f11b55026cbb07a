import { describe, expect, it, vi } from 'vitest';
import { chipKeyAction, useChipKeyboard, type ChipKey } from './chip-keyboard.ts';
import { nextTick } from 'vue';

const press = (code: string, key = code, shiftKey = false): ChipKey => ({ code, key, shiftKey });

describe('chip keyboard', () => {
  it('puts a class from the list into a set by its number', () => {
    expect(chipKeyAction(press('Digit2', '2'), 'palette', 3)).toEqual({ kind: 'copy', to: 1 });
    expect(chipKeyAction(press('Numpad1', '1'), 'palette', 3)).toEqual({ kind: 'copy', to: 0 });
    expect(chipKeyAction(press('Digit4', '4'), 'palette', 3)).toBeUndefined();
    expect(chipKeyAction(press('Delete'), 'palette', 3)).toBeUndefined();
  });

  it('moves a class between sets, copies with Shift, removes with Delete', () => {
    expect(chipKeyAction(press('Digit3', '3'), 0, 3)).toEqual({ kind: 'move', to: 2 });
    expect(chipKeyAction(press('Digit3', '#', true), 0, 3)).toEqual({ kind: 'copy', to: 2 });
    expect(chipKeyAction(press('Digit1', '1'), 0, 3)).toBeUndefined();
    expect(chipKeyAction(press('ArrowRight'), 1, 3)).toEqual({ kind: 'move', to: 2 });
    expect(chipKeyAction(press('ArrowLeft', 'ArrowLeft', true), 1, 3)).toEqual({
      kind: 'copy',
      to: 0,
    });
    expect(chipKeyAction(press('ArrowLeft'), 0, 3)).toBeUndefined();
    expect(chipKeyAction(press('ArrowRight'), 2, 3)).toBeUndefined();
    expect(chipKeyAction(press('Backspace'), 1, 3)).toEqual({ kind: 'remove' });
    expect(chipKeyAction(press('KeyA', 'a'), 1, 3)).toBeUndefined();
  });

  it('applies the action and moves the focus after the chip', async () => {
    const apply = vi.fn();
    const focus = vi.fn();
    const findChip = vi.fn(() => ({ focus }) as unknown as HTMLElement);
    const { onKey } = useChipKeyboard({ setCount: () => 2, apply, findChip });
    const chip = {};
    const preventDefault = vi.fn();
    const event = {
      code: 'ArrowRight',
      key: 'ArrowRight',
      shiftKey: false,
      target: chip,
      currentTarget: chip,
      preventDefault,
    } as unknown as KeyboardEvent;
    onKey(event, 5, 0);
    expect(apply).toHaveBeenCalledWith({ kind: 'move', to: 1 }, 5, 0);
    expect(preventDefault).toHaveBeenCalled();
    await nextTick();
    expect(findChip).toHaveBeenCalledWith(5, 1);
    expect(focus).toHaveBeenCalled();
    // Keys on the chip's own remove button are left to it.
    onKey({ ...event, target: {} } as unknown as KeyboardEvent, 5, 0);
    expect(apply).toHaveBeenCalledTimes(1);
  });
});
