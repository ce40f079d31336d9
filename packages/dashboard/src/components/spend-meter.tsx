import type { PolicyFields, SpendFields } from "brainstormrouter";
import { formatDateTime } from "../lib/dates";
import { formatUsd, PERIOD_PHRASE } from "../lib/money";
import { Meter } from "./ui";

/** "$0.42 of $5.00 this month" and a bar; "No budget" when there is none. */
export function SpendMeter({ scope, showReset }: { scope: PolicyFields & SpendFields; showReset?: boolean }) {
  if (scope.budget_usd === null) return <span className="muted">No budget</span>;
  const spent = scope.spend_usd ?? 0;
  const text = `${formatUsd(spent)} of ${formatUsd(scope.budget_usd)} ${PERIOD_PHRASE[scope.budget_period ?? "monthly"]}`;
  const resets = formatDateTime(scope.budget_resets_at);
  return (
    <span className="spend" title={resets ? `Resets ${resets}` : "Never resets"}>
      <span className="spend-text">{text}</span>
      <Meter value={spent} max={scope.budget_usd} label={`Spend: ${text}`} />
      {showReset && <span className="hint">{resets ? `Resets ${resets}.` : "A lifetime budget never resets."}</span>}
    </span>
  );
}
