import type { KeyboardEvent, MouseEvent } from 'react';

/**
 * Click / Enter on a VirtualTable row, by delegation: the table renders rows itself, so
 * the container listens and reads an attribute the row carries (set through
 * rowAttributes, e.g. `data-index`). Enter acts on the keyboard-active row
 * (aria-selected), as the arrow keys move it.
 */
export function rowActivation(attribute: `data-${string}`, onRow: (value: string) => void) {
  const fire = (el: Element | null) => {
    const value = el?.closest(`[${attribute}]`)?.getAttribute(attribute);
    if (value !== null && value !== undefined && value !== '') onRow(value);
  };
  return {
    onClick: (e: MouseEvent<HTMLElement>) => fire(e.target as Element),
    onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
      if (e.key !== 'Enter') return;
      fire(e.currentTarget.querySelector(`[aria-selected="true"][${attribute}]`));
    },
  };
}
