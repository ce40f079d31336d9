import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

/**
 * A destructive action on one row: `ask(row)` opens a ConfirmDialog (spread `dialog` into it),
 * confirming runs `run(row)`; on success the dialog closes and `then` refreshes the list.
 */
export function useConfirmAction<Row>(run: (row: Row) => Promise<unknown>, then: () => Promise<unknown>) {
  const [target, setTarget] = useState<Row | null>(null);
  const mutation = useMutation({
    mutationFn: run,
    onSuccess: async () => {
      setTarget(null);
      await then();
    },
  });
  return {
    target,
    ask(row: Row) {
      // A fresh dialog must not show the error the previous attempt left behind.
      mutation.reset();
      setTarget(row);
    },
    dialog: {
      open: target !== null,
      busy: mutation.isPending,
      error: mutation.error,
      onCancel: () => setTarget(null),
      onConfirm: () => target !== null && mutation.mutate(target),
    },
  };
}
