import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "../../app/router";
import { QueryState } from "../../components/query-state";
import { Card, EmptyState } from "../../components/ui";
import { formatUsd } from "../../lib/money";
import { useTenant } from "../tenants/tenant-context";
import { lastDays, usageQueryOptions, type DayRange } from "./api/usage";
import { BarChart } from "./bar-chart";
import { ByKey, ByModel } from "./breakdown";
import { DateRange } from "./date-range";

export function UsagePage() {
  const { current } = useTenant();
  const tenantId = current!.tenant.id;
  const [range, setRange] = useState<DayRange>(() => lastDays(30));
  const usage = useQuery(usageQueryOptions(tenantId, range));
  return (
    <div className="page">
      <div className="page-head">
        <h1>Usage</h1>
        <p className="muted">
          Requests, tokens and cost of {current!.tenant.name} through the gateway, {range.from} to {range.to} (UTC days).
        </p>
      </div>
      <Card>
        <DateRange range={range} onChange={setRange} />
      </Card>
      <Card>
        <QueryState query={usage}>
          {(data) =>
            data === null ? (
              <EmptyState title="Usage reporting is not available on this server">
                Requests still work; this page fills in once the server reports usage.
              </EmptyState>
            ) : data.totals.requests === 0 ? (
              <EmptyState title="No usage in this range">
                Once an API key makes requests to <code>/v1/chat/completions</code>, they show up here. Need a key?{" "}
                <Link to="/keys">Create one</Link>.
              </EmptyState>
            ) : (
              <div className="stack">
                <dl className="stats">
                  <div>
                    <dt>Requests</dt>
                    <dd data-testid="usage-requests">{data.totals.requests.toLocaleString()}</dd>
                  </div>
                  <div>
                    <dt>Tokens</dt>
                    <dd>{(data.totals.prompt_tokens + data.totals.completion_tokens).toLocaleString()}</dd>
                  </div>
                  <div>
                    <dt>Cost</dt>
                    <dd data-testid="usage-cost">{formatUsd(data.totals.cost_usd)}</dd>
                  </div>
                  <div>
                    <dt>Errors</dt>
                    <dd>{data.totals.errors.toLocaleString()}</dd>
                  </div>
                </dl>
                <BarChart
                  label="Requests per day"
                  unit="requests"
                  tone="requests"
                  bars={data.data.map((d) => ({ date: d.day, value: d.requests }))}
                />
                <BarChart
                  label="Tokens per day (prompt + completion)"
                  unit="tokens"
                  tone="tokens"
                  bars={data.data.map((d) => ({ date: d.day, value: d.prompt_tokens + d.completion_tokens }))}
                />
                <BarChart
                  label="Cost per day (USD)"
                  unit="USD"
                  tone="cost"
                  format={formatUsd}
                  bars={data.data.map((d) => ({ date: d.day, value: d.cost_usd }))}
                />
              </div>
            )
          }
        </QueryState>
      </Card>
      <ByModel tenantId={tenantId} range={range} />
      <ByKey tenantId={tenantId} range={range} />
    </div>
  );
}
