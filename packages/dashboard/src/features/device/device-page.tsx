import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { APIError, type DeviceLookup } from "brainstormrouter";
import { useState, type FormEvent } from "react";
import { clearPendingUserCode, pendingUserCode } from "../../app/intents";
import { navigate } from "../../app/router";
import { Badge, Banner, Button, Card, Field, Loading, statusTone, SuccessMark } from "../../components/ui";
import { formatDateTime, timeAgo } from "../../lib/dates";
import { errorCode, errorMessage, retryAfterSeconds } from "../../lib/api-errors";
import { meQueryKey } from "../tenants/api/me";
import { useTenant } from "../tenants/tenant-context";
import { confirmDevice, deviceLookupQueryOptions } from "./api/device";
import { formatUserCode, isCompleteUserCode } from "./user-code";

function deviceError(error: unknown): { title: string; body: string } {
  if (!(error instanceof APIError)) return { title: "Something went wrong", body: errorMessage(error) };
  const code = errorCode(error);
  if (error.status === 429) {
    const seconds = retryAfterSeconds(error);
    const wait = seconds ? `${seconds} seconds` : "a moment";
    return { title: "Too many attempts", body: `Too many wrong codes were entered. Wait ${wait} before trying again.` };
  }
  if (code.includes("expired")) {
    return {
      title: "This code has expired",
      body: "Codes are valid for 15 minutes. Start the sign-in in your terminal again to get a new one.",
    };
  }
  if (code === "device_already_decided")
    return {
      title: "This code was already used",
      body: "It has been approved or denied before. Start again on your terminal for a new code.",
    };
  if (code.startsWith("tenant_")) return { title: "The terminal's tenant is not active", body: errorMessage(error) };
  if (error.status === 400 || error.status === 404) {
    return {
      title: "That code doesn't match",
      body: "Check the code shown in your terminal and type it again. It has 8 letters, like BCDF-GHJK.",
    };
  }
  return { title: "The code could not be confirmed", body: errorMessage(error) };
}

/** /device: the verification page of the device flow (RFC 8628 §3.3). */
export function DevicePage() {
  const [code, setCode] = useState(() => formatUserCode(pendingUserCode() ?? ""));
  const { me, select } = useTenant();
  const client = useQueryClient();
  const confirm = useMutation({
    mutationFn: (action: "approve" | "deny") => confirmDevice(code, action),
    onSuccess: async (result, action) => {
      clearPendingUserCode();
      if (action === "approve") select(result.tenant.id);
      await client.invalidateQueries({ queryKey: meQueryKey });
    },
  });
  const complete = isCompleteUserCode(code);
  const lookup = useQuery(deviceLookupQueryOptions(code, complete && !confirm.isSuccess));

  if (confirm.isSuccess) {
    const approved = confirm.variables === "approve";
    const { tenant, role } = confirm.data;
    return (
      <div className="page narrow">
        <Card>
          {approved && <SuccessMark />}
          <h2 className="success-title">{approved ? "Terminal linked" : "Request denied"}</h2>
          <p className="lead" data-testid="device-result">
            {approved
              ? `Your terminal is now linked to ${tenant.name}, where you are ${role}. You can close this tab and return to it.`
              : `The terminal was not linked to ${tenant.name}. If you didn't start this sign-in, nothing else is needed.`}
          </p>
          <div className="actions">
            <Button onClick={() => navigate("/")}>Go to overview</Button>
          </div>
        </Card>
      </div>
    );
  }

  const decidable = lookup.isSuccess && lookup.data.tenant.status === "active";
  function submit(e: FormEvent) {
    e.preventDefault();
    if (decidable) confirm.mutate("approve");
  }
  const failure = confirm.error ? deviceError(confirm.error) : lookup.error ? deviceError(lookup.error) : null;
  return (
    <div className="page narrow">
      <h1>Link a terminal</h1>
      <Card>
        <form onSubmit={submit} className="stack">
          <p className="lead">Enter the code your terminal shows to let it act as you ({me.identity.email ?? me.identity.subject}).</p>
          <Field label="Code from your terminal" hint="8 letters, like BCDF-GHJK. Upper or lower case both work.">
            {(id, hint) => (
              <input
                id={id}
                aria-describedby={hint}
                className="code-input mono"
                inputMode="text"
                autoComplete="one-time-code"
                autoCapitalize="characters"
                spellCheck={false}
                placeholder="XXXX-XXXX"
                maxLength={9}
                value={code}
                onChange={(e) => {
                  setCode(formatUserCode(e.target.value));
                  confirm.reset();
                }}
                autoFocus
              />
            )}
          </Field>
          {complete && lookup.isFetching && <Loading label="Finding the terminal's tenant…" />}
          {lookup.isSuccess && <TerminalTenant lookup={lookup.data} />}
          {failure && (
            <Banner tone="danger" title={failure.title}>
              {failure.body}
            </Banner>
          )}
          <p className="muted">Only approve if you started this sign-in yourself, just now.</p>
          <div className="actions">
            <Button type="submit" variant="primary" disabled={!decidable} busy={confirm.isPending && confirm.variables === "approve"}>
              Approve
            </Button>
            <Button disabled={!decidable} busy={confirm.isPending && confirm.variables === "deny"} onClick={() => confirm.mutate("deny")}>
              Deny
            </Button>
          </div>
        </form>
      </Card>
    </div>
  );
}

/** The answer to "whose terminal is this?", shown before Approve and Deny can be pressed. */
function TerminalTenant({ lookup }: { lookup: DeviceLookup }) {
  const { tenant, role, expires_at } = lookup;
  return (
    <>
      <dl className="facts" data-testid="device-tenant">
        <dt>Terminal of</dt>
        <dd>
          <strong>{tenant.name}</strong> <span className="muted mono">{tenant.slug}</span>{" "}
          <Badge tone={statusTone[tenant.status]}>{tenant.status}</Badge>
        </dd>
        <dt>Your role there</dt>
        <dd>
          <Badge tone="accent">{role}</Badge>
        </dd>
        <dt>Code</dt>
        <dd>
          <time dateTime={expires_at} title={formatDateTime(expires_at)}>
            expires {timeAgo(expires_at)}
          </time>
        </dd>
      </dl>
      {tenant.status !== "active" && (
        <Banner tone="danger" title={`${tenant.name} is ${tenant.status}`}>
          A terminal cannot be linked to it until a platform admin makes it active again.
        </Banner>
      )}
    </>
  );
}
