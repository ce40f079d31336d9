import { useEffect, useId, useRef, useState, type ButtonHTMLAttributes, type ReactNode } from "react";
import { errorMessage } from "../lib/api-errors";

type Variant = "primary" | "secondary" | "danger" | "ghost";

export function Button({
  variant = "secondary",
  busy = false,
  children,
  disabled,
  type = "button",
  ...rest
}: { variant?: Variant; busy?: boolean } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type={type} className={`btn btn-${variant}`} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy && <span className="spinner spinner-sm" aria-hidden="true" />}
      {children}
    </button>
  );
}

export function Card({
  title,
  actions,
  children,
  className = "",
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`card ${className}`}>
      {(title || actions) && (
        <header className="card-header">
          {title && <h2>{title}</h2>}
          {actions}
        </header>
      )}
      {children}
    </section>
  );
}

export function Banner({
  tone,
  title,
  children,
}: {
  tone: "info" | "warning" | "danger" | "success";
  title: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className={`banner banner-${tone}`} role={tone === "danger" || tone === "warning" ? "alert" : "status"}>
      <strong>{title}</strong>
      {children && <div className="banner-body">{children}</div>}
    </div>
  );
}

/** A done-state mark for success cards; decorative, the heading says it in words. */
export function SuccessMark() {
  return (
    <svg className="success-mark" width="40" height="40" viewBox="0 0 40 40" aria-hidden="true">
      <circle cx="20" cy="20" r="20" />
      <path d="M12 20.5l5.5 5.5L28.5 15" fill="none" strokeWidth="3.2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

export function Badge({ tone = "neutral", children }: { tone?: "neutral" | "good" | "warn" | "bad" | "accent"; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export const statusTone = { active: "good", pending: "warn", rejected: "bad", suspended: "bad" } as const;

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function ErrorState({
  error,
  onRetry,
  title = "This could not be loaded",
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  return (
    <div className="error-state" role="alert">
      <strong>{title}</strong>
      <p>{errorMessage(error)}</p>
      {onRetry && <Button onClick={onRetry}>Try again</Button>}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <strong>{title}</strong>
      {children && <div>{children}</div>}
    </div>
  );
}

export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: ReactNode;
  /** Shown under the field and read with it (aria-describedby); the child sets aria-invalid from `invalid`. */
  error?: string | null;
  children: (id: string, describedBy: string | undefined, invalid: boolean) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id, describedBy, Boolean(error))}
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** A share of a whole as a bar, e.g. spend against a budget; the text beside it says the numbers. */
export function Meter({ value, max, label, share }: { value: number; max: number; label: string; share?: boolean }) {
  const ratio = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  // Against a limit the bar warns as it fills (80 %: the budget.threshold event's mark); a share of a
  // whole (one model's part of the cost) is no warning.
  const tone = share ? "share" : ratio >= 1 ? "bad" : ratio >= 0.8 ? "warn" : "good";
  return (
    // biome-ignore lint/a11y/useSemanticElements: a native <meter> cannot be themed alike in every browser (its parts are vendor pseudo-elements); the role gives screen readers the same
    <span
      className={`meter meter-${tone}`}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={Math.min(value, max)}
    >
      <span className="meter-fill" style={{ width: `${(ratio * 100).toFixed(1)}%` }} />
    </span>
  );
}

/** Copies `value`; where the clipboard is refused, selects the text so Ctrl+C works. */
export function CopyButton({ value, label = "Copy", targetId }: { value: string; label?: string; targetId?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "manual">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const t = setTimeout(() => setState("idle"), 2500);
    return () => clearTimeout(t);
  }, [state]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      const el = targetId ? document.getElementById(targetId) : null;
      if (el instanceof HTMLInputElement) el.select();
      setState("manual");
    }
  }
  return (
    <Button onClick={copy} aria-live="polite">
      {state === "copied" ? "Copied ✓" : state === "manual" ? "Press Ctrl+C" : label}
    </Button>
  );
}

export function SecretValue({ value, label }: { value: string; label: string }) {
  const id = useId();
  return (
    <div className="secret">
      <label className="sr-only" htmlFor={id}>
        {label}
      </label>
      <input id={id} className="mono" readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
      <CopyButton value={value} targetId={id} />
    </div>
  );
}

/** A native modal <dialog>: focus moves in, Escape cancels, focus returns to the opener. */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  error?: unknown;
  onConfirm: () => void;
  onCancel: () => void;
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
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div className="dialog-body">{children}</div>
      {error ? (
        <p className="form-error" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
      <div className="dialog-actions">
        <Button onClick={onCancel} autoFocus>
          Cancel
        </Button>
        <Button variant="danger" busy={busy} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}
