import { useState } from "react";
import { Button, Field } from "../../components/ui";
import { lastDays, rangeLength, type DayRange } from "./api/usage";

const PRESETS = [7, 30, 90] as const;
/** The server answers at most 366 days back from `to`. */
const MAX_DAYS = 366;

const today = () => new Date().toISOString().slice(0, 10);

/** Why a typed range cannot be asked for, or null. */
function problem(r: DayRange): string | null {
  if (!r.from || !r.to) return "Pick both days.";
  if (r.from > r.to) return "“From” must be on or before “to”.";
  if (r.to > today()) return "“To” cannot be after today (UTC).";
  if (rangeLength(r) > MAX_DAYS) return `At most ${MAX_DAYS} days at a time.`;
  return null;
}

/**
 * From and to as UTC days, and presets for the usual spans. The range applies as soon as it is
 * valid; while it is not, the page keeps showing the last valid one and says what is wrong.
 */
export function DateRange({ range, onChange }: { range: DayRange; onChange: (range: DayRange) => void }) {
  const [typed, setTyped] = useState<DayRange>(range);
  const why = problem(typed);
  function set(next: DayRange) {
    setTyped(next);
    if (!problem(next)) onChange(next);
  }
  const preset = PRESETS.find((d) => {
    const r = lastDays(d);
    return r.from === range.from && r.to === range.to;
  });
  return (
    <fieldset className="range">
      <legend className="sr-only">Date range (UTC)</legend>
      <div className="presets">
        {PRESETS.map((d) => (
          <Button key={d} variant={preset === d ? "primary" : "secondary"} aria-pressed={preset === d} onClick={() => set(lastDays(d))}>
            Last {d} days
          </Button>
        ))}
      </div>
      <div className="form-row range-days">
        <Field label="From (UTC)" error={why && typed.from > typed.to ? why : null}>
          {(id, describedBy, invalid) => (
            <input
              id={id}
              type="date"
              className="input-date"
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              max={typed.to || today()}
              value={typed.from}
              onChange={(e) => set({ ...typed, from: e.target.value })}
            />
          )}
        </Field>
        <Field label="To (UTC)" error={why && !(typed.from > typed.to) ? why : null}>
          {(id, describedBy, invalid) => (
            <input
              id={id}
              type="date"
              className="input-date"
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              min={typed.from}
              max={today()}
              value={typed.to}
              onChange={(e) => set({ ...typed, to: e.target.value })}
            />
          )}
        </Field>
      </div>
    </fieldset>
  );
}
