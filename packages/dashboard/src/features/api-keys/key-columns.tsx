import type { ApiKey } from "brainstormrouter";
import type { Column } from "../../components/data-table";
import { SpendMeter } from "../../components/spend-meter";
import { Badge } from "../../components/ui";
import { formatDateTime, timeAgo } from "../../lib/dates";

/** Keys minted with platform power act on every tenant (DESIGN.md §8): they stand out. */
const PLATFORM_ROLE = { admin: "platform admin", proposer: "proposer" } as const;

const isPast = (iso: string | null) => iso !== null && Date.parse(iso) <= Date.now();

/** Who made the key: a person's email, or the key that minted it (headless management). */
function creator(key: ApiKey, keys: ApiKey[]): string {
  if (key.user_email) return key.user_email;
  if (key.created_by_key_id) {
    const parent = keys.find((k) => k.id === key.created_by_key_id);
    return parent ? `key ${parent.name || `${parent.prefix}…`}` : `key ${key.created_by_key_id.slice(0, 8)}…`;
  }
  return "registration";
}

function Limits({ k }: { k: ApiKey }) {
  return (
    <span className="limits">
      <span>{k.allowed_models ? k.allowed_models.join(", ") : <span className="muted">All models</span>}</span>
      <span className="muted">{k.rate_limit_rpm === null ? "no rpm limit" : `${k.rate_limit_rpm.toLocaleString()} rpm`}</span>
    </span>
  );
}

function Expiry({ k }: { k: ApiKey }) {
  const grace = k.previous_secret_expires_at && !isPast(k.previous_secret_expires_at) ? k.previous_secret_expires_at : null;
  return (
    <span className="limits">
      <span>
        {k.expires_at === null ? <span className="muted">Never</span> : formatDateTime(k.expires_at)}
        {isPast(k.expires_at) && !k.revoked_at && (
          <>
            {" "}
            <Badge tone="bad">expired</Badge>
          </>
        )}
      </span>
      {grace && !k.revoked_at && <span className="muted">old secret until {formatDateTime(grace)}</span>}
    </span>
  );
}

export function keyColumns(keys: ApiKey[]): Column<ApiKey>[] {
  return [
    {
      label: "Name",
      cell: (k) => (
        <span>
          {k.name || <span className="muted">Unnamed</span>}
          {k.platform_role && (
            <>
              {" "}
              <Badge tone="warn">{PLATFORM_ROLE[k.platform_role]}</Badge>
            </>
          )}
        </span>
      ),
    },
    { label: "Key", className: "mono", cell: (k) => `${k.prefix}…` },
    { label: "Role", cell: (k) => <Badge tone={k.role === "admin" ? "accent" : "neutral"}>{k.role}</Badge> },
    { label: "Spend", className: "cell-spend", cell: (k) => <SpendMeter scope={k} /> },
    { label: "Models and rate", cell: (k) => <Limits k={k} /> },
    { label: "Expires", cell: (k) => <Expiry k={k} /> },
    {
      label: "Created",
      title: (k) => formatDateTime(k.created_at),
      cell: (k) => (
        <span className="limits">
          <span>{timeAgo(k.created_at)}</span>
          <span className="muted" data-testid="key-creator">
            by {creator(k, keys)}
          </span>
        </span>
      ),
    },
    { label: "Last used", title: (k) => formatDateTime(k.last_used_at), cell: (k) => timeAgo(k.last_used_at) },
  ];
}
