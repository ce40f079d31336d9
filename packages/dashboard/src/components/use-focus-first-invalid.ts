import { useEffect, useRef } from "react";

/**
 * After a refused submit, focus moves to the first field marked aria-invalid, so a keyboard or
 * screen-reader user lands on the message instead of hunting for it. `errors` changing triggers it.
 */
export function useFocusFirstInvalid<T extends HTMLElement>(errors: object) {
  const ref = useRef<T>(null);
  const count = Object.keys(errors).length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new errors object is a new refusal
  useEffect(() => {
    if (count === 0) return;
    ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);
  return ref;
}
