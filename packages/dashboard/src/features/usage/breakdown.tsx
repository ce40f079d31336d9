import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import type { UsageByKey, UsageByModel, UsageFigures } from "brainstormrouter";
import { DataTable, type Column } from "../../components/data-table";
import { QueryState } from "../../components/query-state";
import { Card, EmptyState, Meter } from "../../components/ui";
import { formatUsd } from "../../lib/money";
import { breakdownQueryOptions, type DayRange } from "./api/usage";

type Row = UsageFigures & { id: string; label: string };

/**
 * Shares of the range's cost, or of its requests while nothing was priced (echo is free unless
 * BR_PROVIDERS prices it): a bar of zeros would say nothing.
 */
function columns(what: string, rows: Row[]): Column<Row>[] {
  const byCost = rows.some((r) => r.cost_usd > 0);
  const total = rows.reduce((sum, r) => sum + (byCost ? r.cost_usd : r.requests), 0);
  return [
    { label: what, cell: (r) => r.label, className: "cell-name" },
    { label: "Requests", cell: (r) => r.requests.toLocaleString(), className: "num" },
    { label: "Tokens", cell: (r) => (r.prompt_tokens + r.completion_tokens).toLocaleString(), className: "num" },
    { label: "Errors", cell: (r) => r.errors.toLocaleString(), className: "num" },
    { label: "Cost", cell: (r) => formatUsd(r.cost_usd), className: "num" },
    {
      label: byCost ? "Share of cost" : "Share of requests",
      className: "cell-share",
      cell: (r) => {
        const part = byCost ? r.cost_usd : r.requests;
        const pct = total > 0 ? Math.round((part / total) * 100) : 0;
        return (
          <span className="share">
            <Meter share value={part} max={total} label={`${r.label}: ${pct}% of ${byCost ? "cost" : "requests"}`} />
            <span className="share-pct">{pct}%</span>
          </span>
        );
      },
    },
  ];
}

function BreakdownCard({ title, what, query, rows }: { title: string; what: string; query: UseQueryResult<unknown>; rows: Row[] | null }) {
  return (
    <Card title={title}>
      <QueryState query={query}>
        {() =>
          rows === null ? (
            <EmptyState title="Not available on this server" />
          ) : (
            <div data-testid={`usage-by-${what.toLowerCase()}`}>
              <DataTable rows={rows} columns={columns(what, rows)} empty={<EmptyState title="No requests in this range" />} />
            </div>
          )
        }
      </QueryState>
    </Card>
  );
}

export function ByModel({ tenantId, range }: { tenantId: string; range: DayRange }) {
  const query = useQuery(breakdownQueryOptions(tenantId, range, "model"));
  const rows =
    query.data === undefined || query.data === null
      ? null
      : (query.data as UsageByModel[]).map((r) => ({ ...r, id: r.model, label: r.model }));
  return <BreakdownCard title="By model" what="Model" query={query} rows={rows} />;
}

export function ByKey({ tenantId, range }: { tenantId: string; range: DayRange }) {
  const query = useQuery(breakdownQueryOptions(tenantId, range, "key"));
  const rows =
    query.data === undefined || query.data === null
      ? null
      : (query.data as UsageByKey[]).map((r) => ({
          ...r,
          id: r.key_id ?? "none",
          label: r.key_name ?? (r.key_id ? `key ${r.key_id.slice(0, 8)}…` : "Without an API key"),
        }));
  return <BreakdownCard title="By key" what="Key" query={query} rows={rows} />;
}
