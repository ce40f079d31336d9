/**
 * The one place the dashboard turns a timestamp into text. Exact times read the same on every
 * machine and in every locale, `2026-12-02 09:41 UTC`: no 12/02 that is 2 December to one person
 * and 12 February to another, no local time that disagrees with the server's logs and the usage
 * page's UTC days. Recency ("3 days ago") follows the browser's language; its exact time is one
 * hover away through `formatDateTime`.
 */

/** `2026-12-02 09:41 UTC`; undefined for no timestamp, the input as given if it is not a date. */
export function formatDateTime(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const utc = date.toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC`;
}

/** `2026-12-02`, for a UTC day as the server reports it (YYYY-MM-DD) or any timestamp's UTC day. */
export function formatDay(dayOrIso: string): string {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(dayOrIso) ? `${dayOrIso}T00:00:00Z` : dayOrIso);
  return Number.isNaN(date.getTime()) ? dayOrIso : date.toISOString().slice(0, 10);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 31_536_000],
  ["month", 2_592_000],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];

/** "3 days ago", "in 2 hours", "just now"; `never` for no timestamp. */
export function timeAgo(iso: string | null | undefined, never = "Never"): string {
  if (!iso) return never;
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return Math.abs(seconds) < 45 ? "just now" : relative.format(Math.round(seconds), "second");
}

/** What is left until `untilIso`: "59 more minutes", "about 24 more hours"; null once it is over. */
export function timeLeft(untilIso: string, now = Date.now()): string | null {
  const seconds = (Date.parse(untilIso) - now) / 1000;
  if (!(seconds > 0)) return null;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1) return "less than a minute";
  if (minutes < 120) return `${minutes} more minute${minutes === 1 ? "" : "s"}`;
  return `about ${Math.round(minutes / 60)} more hours`;
}
