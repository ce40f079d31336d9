import type { UseMutationResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { errorMessage } from "../lib/api-errors";
import { Button, Card } from "./ui";

/** A one-row create form in its own card: submitting runs `mutation`, whose failure shows under the form. */
export function CreateForm({
  title,
  submitLabel,
  mutation,
  children,
}: {
  title: string;
  submitLabel: string;
  mutation: Pick<UseMutationResult<unknown, Error, void>, "mutate" | "isPending" | "error">;
  children: ReactNode;
}) {
  return (
    <Card title={title}>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          mutation.mutate();
        }}
      >
        {children}
        <Button type="submit" variant="primary" busy={mutation.isPending}>
          {submitLabel}
        </Button>
      </form>
      {mutation.error && (
        <p className="form-error" role="alert">
          {errorMessage(mutation.error)}
        </p>
      )}
    </Card>
  );
}
