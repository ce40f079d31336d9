import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { ApiKey, AuditEvent, Member } from "brainstormrouter";
import { useMemo, useState } from "react";
import { Badge, Banner, Button, Card, EmptyState, ErrorState, Field, Loading } from "../../components/ui";
import { formatDateTime, timeAgo } from "../../lib/dates";
import { apiKeysQueryOptions } from "../api-keys/api/api-keys";
import { membersQueryOptions } from "../members/api/members";
import { useTenant } from "../tenants/tenant-context";
import { type ActivityFilter, activityQueryOptions } from "./api/audit";
import { ACTION_LABELS, describeEvent, type Names } from "./sentence";

export function ActivityPage() {
  const { current } = useTenant();
  if (current!.role === "member") {
    return (
      <div className="page">
        <h1>Activity</h1>
        <Banner tone="info" title="Only owners and admins see the activity">
          The activity of {current!.tenant.name} lists who changed its keys, members and links. Ask one of its owners if you need to know.
        </Banner>
      </div>
    );
  }
  return <TenantActivity />;
}

/** Ids in audit rows, named from the lists the keys and members pages already load (one cache). */
function namesOf(keys: ApiKey[] | undefined, members: Member[] | undefined): Names {
  const apiKeys = new Map((keys ?? []).map((k) => [k.id, k.name || k.prefix] as const));
  const people = new Map<string, string>();
  for (const m of members ?? []) {
    const name = m.email ?? m.subject;
    for (const id of [m.id, m.user_id, m.subject]) people.set(id, name);
  }
  return { apiKeys, people };
}

/**
 * The server matches an actor by its exact id or label: a member's email becomes their subject
 * (a person's actor id) and a key's name its id, so that what the person typed finds their rows.
 */
function actorQuery(typed: string | undefined, keys: ApiKey[] | undefined, members: Member[] | undefined): string | undefined {
  if (!typed) return undefined;
  const lower = typed.toLowerCase();
  const member = members?.find((m) => m.email?.toLowerCase() === lower);
  if (member) return member.subject;
  const key = keys?.find((k) => k.name === typed);
  return key ? key.id : typed;
}

function TenantActivity() {
  const { current } = useTenant();
  const tenantId = current!.tenant.id;
  const [filter, setFilter] = useState<ActivityFilter>({});
  const keys = useQuery(apiKeysQueryOptions(tenantId));
  const members = useQuery(membersQueryOptions(tenantId));
  // A typed actor waits for the lists that resolve it, so the first answer is the right one.
  const resolving = Boolean(filter.actor) && (keys.isPending || members.isPending);
  const query = { action: filter.action, actor: actorQuery(filter.actor, keys.data, members.data) };
  const activity = useInfiniteQuery({ ...activityQueryOptions(tenantId, query), enabled: !resolving });
  const names = useMemo(() => namesOf(keys.data, members.data), [keys.data, members.data]);
  const events = activity.data?.pages.flatMap((p) => p.data) ?? [];
  const filtered = Boolean(filter.action || filter.actor);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Activity</h1>
        <p className="muted">Who changed what in {current!.tenant.name}, newest first: keys, members, links and approvals.</p>
      </div>
      <Filters filter={filter} onChange={setFilter} />
      <Card title="Events">
        {activity.isPending ? (
          <Loading />
        ) : !activity.data ? (
          <ErrorState error={activity.error} onRetry={() => void activity.refetch()} />
        ) : events.length === 0 ? (
          <EmptyState title={filtered ? "Nothing matches these filters" : "No activity yet"}>
            {filtered ? "Try another action or person." : "Changes to keys, members and links show up here as they happen."}
          </EmptyState>
        ) : (
          <>
            <ol className="activity" aria-label="Activity">
              {events.map((e) => (
                <EventRow key={e.id} event={e} names={names} />
              ))}
            </ol>
            {/* A failed older page keeps what is shown; the button asks again. */}
            {activity.isFetchNextPageError && <ErrorState error={activity.error} title="Older events could not be loaded" />}
            {activity.hasNextPage && (
              <div className="actions">
                <Button busy={activity.isFetchingNextPage} onClick={() => void activity.fetchNextPage()}>
                  Show older
                </Button>
              </div>
            )}
          </>
        )}
      </Card>
    </div>
  );
}

function EventRow({ event, names }: { event: AuditEvent; names: Names }) {
  return (
    <li className="activity-item" data-testid="activity-event">
      <p className="activity-sentence">{describeEvent(event, names)}</p>
      <p className="activity-meta">
        <time dateTime={event.at} title={formatDateTime(event.at)}>
          {timeAgo(event.at)}
        </time>
        <Badge>{event.via}</Badge>
        {event.proposal_id && <Badge tone="accent">proposal</Badge>}
      </p>
    </li>
  );
}

function Filters({ filter, onChange }: { filter: ActivityFilter; onChange(filter: ActivityFilter): void }) {
  // The person's text applies on submit, not per keystroke: each filter is a new query.
  const [actor, setActor] = useState(filter.actor ?? "");
  return (
    <Card title="Filter">
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          onChange({ ...filter, actor: actor.trim() || undefined });
        }}
      >
        <Field label="Action">
          {(id) => (
            <select id={id} value={filter.action ?? ""} onChange={(e) => onChange({ ...filter, action: e.target.value || undefined })}>
              <option value="">All actions</option>
              {Object.entries(ACTION_LABELS).map(([action, label]) => (
                <option key={action} value={action}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Person or key" hint="An email, a key's name and prefix, or an id.">
          {(id, hint) => (
            <input
              id={id}
              aria-describedby={hint}
              maxLength={200}
              value={actor}
              onChange={(e) => setActor(e.target.value)}
              placeholder="alice@lab.ai"
            />
          )}
        </Field>
        <Button type="submit" variant="primary">
          Filter
        </Button>
        {(filter.action || filter.actor) && (
          <Button
            variant="ghost"
            onClick={() => {
              setActor("");
              onChange({});
            }}
          >
            Clear
          </Button>
        )}
      </form>
    </Card>
  );
}
