import { useQuery } from "@tanstack/react-query";
import { Link } from "../../app/router";
import { QueryState } from "../../components/query-state";
import { Card, EmptyState } from "../../components/ui";
import { useTenant } from "../tenants/tenant-context";
import { usageQueryOptions } from "./api/usage";
import { BarChart } from "./bar-chart";

const DAYS = 30;

export function UsagePage() {
  const { current } = useTenant();
  const tenantId = current!.tenant.id;
  const usage = useQuery(usageQueryOptions(tenantId, DAYS));
  return (
    <div className="page">
      <div className="page-head">
        <h1>Usage</h1>
        <p className="muted">
          Requests and tokens of {current!.tenant.name} through the gateway, last {DAYS} days (UTC).
        </p>
      </div>
      <Card>
        <QueryState query={usage}>
          {(data) =>
            data === null ? (
              <EmptyState title="Usage reporting is not available on this server">
                Requests still work; this page fills in once the server reports usage.
              </EmptyState>
            ) : data.totals.requests === 0 ? (
              <EmptyState title="No usage yet">
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
                    <dt>Errors</dt>
                    <dd>{data.totals.errors.toLocaleString()}</dd>
                  </div>
                </dl>
                <BarChart
                  label="Requests per day"
                  unit="requests"
                  tone="requests"
                  bars={data.days.map((d) => ({ date: d.date, value: d.requests }))}
                />
                <BarChart
                  label="Tokens per day (prompt + completion)"
                  unit="tokens"
                  tone="tokens"
                  bars={data.days.map((d) => ({ date: d.date, value: d.prompt_tokens + d.completion_tokens }))}
                />
              </div>
            )
          }
        </QueryState>
      </Card>
    </div>
  );
}
