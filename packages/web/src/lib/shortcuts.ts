import { useEffect, useRef } from 'react';

/** Whether a key press belongs to a field being typed in (shortcuts then stay out of the way). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Single keys and two-key sequences ("g q") for the frequent actions, ignored while typing or with a modifier held.
 */
export function useShortcuts(bindings: Record<string, () => void>): void {
  const ref = useRef(bindings);
  ref.current = bindings;
  useEffect(() => {
    let previous = '';
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      const sequence = `${previous} ${event.key}`;
      const action = ref.current[sequence] ?? ref.current[event.key];
      previous = event.key;
      if (action) {
        event.preventDefault();
        previous = '';
        action();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
