import { useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * A ref holding the latest value of a prop (typically a callback), for code that runs after
 * a render (promise callbacks, timers, subscriptions) and must not re-subscribe when the
 * value changes. It is written in a layout effect, not during render, so a render React
 * discards never leaks into it, and before any passive effect of the same commit reads it.
 */
export function useLatestRef<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
