import type { ReactNode } from "react";
import { Banner, Button, SecretValue } from "./ui";

/** A secret the server returns only once: shown with a copy button until the person says they have it. */
export function OneTimeSecret({
  title,
  label,
  value,
  dismissLabel,
  onDismiss,
  children,
}: {
  title: string;
  label: string;
  value: string;
  dismissLabel: string;
  onDismiss: () => void;
  children: ReactNode;
}) {
  return (
    <Banner tone="success" title={title}>
      {children}
      <SecretValue value={value} label={label} />
      <div className="actions">
        <Button variant="ghost" onClick={onDismiss}>
          {dismissLabel}
        </Button>
      </div>
    </Banner>
  );
}
