import type { BudgetPeriod } from "brainstormrouter";

/**
 * USD as the browser's locale writes it. Below a cent the amount keeps up to four decimals: a
 * free-tier echo request costs fractions of a cent, and "$0.00 of $5.00" would read as nothing spent.
 */
export function formatUsd(amount: number): string {
  const small = amount > 0 && amount < 0.01;
  return amount.toLocaleString(undefined, {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: 2,
    maximumFractionDigits: small ? 4 : 2,
  });
}

/** The words after "$0.42 of $5.00": the budget's UTC period. */
export const PERIOD_PHRASE: Record<BudgetPeriod, string> = { daily: "today", monthly: "this month", lifetime: "in total" };

/** For selects and read-only views. */
export const PERIOD_LABEL: Record<BudgetPeriod, string> = {
  daily: "per day (UTC)",
  monthly: "per month (UTC)",
  lifetime: "lifetime (never resets)",
};
