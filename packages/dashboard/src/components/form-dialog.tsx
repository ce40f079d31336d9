import { useEffect, useId, useRef, type ReactNode } from "react";
import { Button } from "./ui";

/**
 * A native modal <dialog> around a form (ConfirmDialog's sibling for edits): focus moves in,
 * Escape cancels, focus returns to the opener. `error` is what belongs to no single field.
 */
export function FormDialog({
  open,
  title,
  submitLabel,
  busy,
  error,
  wide,
  onSubmit,
  onCancel,
  children,
}: {
  open: boolean;
  title: string;
  submitLabel: string;
  busy?: boolean;
  error?: ReactNode;
  wide?: boolean;
  onSubmit: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={wide ? "dialog dialog-wide" : "dialog"}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        <h2 id={titleId}>{title}</h2>
        <div className="dialog-body stack">{open && children}</div>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <Button onClick={onCancel}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>
            {submitLabel}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
