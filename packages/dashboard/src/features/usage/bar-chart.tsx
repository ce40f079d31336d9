import { useEffect, useId, useRef, useState } from "react";
import { formatDay } from "../../lib/dates";

const H = 180;
const PAD = { top: 12, right: 8, bottom: 24, left: 40 };
const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

export interface Bar {
  /** A UTC day, YYYY-MM-DD. */
  date: string;
  value: number;
}

/** The smallest 1-2-5 step scale above `max`, so the mid gridline is a round number. */
function niceMax(max: number): number {
  if (max <= 0) return 2;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((v) => v >= max) ?? 10 * magnitude;
  // By the step's leading digit, not `step % 2`: cost steps are fractions ($0.02), where % misleads.
  const digit = Math.round(step / magnitude);
  return step >= 10 || digit === 2 || digit === 10 ? step : step * 2;
}

/** Drawn at the element's real pixel width, so labels stay legible from 375 px to desktop. */
function useWidth<T extends HTMLElement>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => entry && setWidth(Math.round(entry.contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

const plain = (n: number) => compact.format(n);

/** An inline SVG bar chart with a table twin for screen readers. `format` writes axis and values (e.g. USD). */
export function BarChart({
  bars,
  label,
  unit,
  tone,
  format,
}: {
  bars: Bar[];
  label: string;
  unit: string;
  tone: "requests" | "tokens" | "cost";
  format?: (value: number) => string;
}) {
  const axis = format ?? plain;
  const value = format ?? ((n: number) => `${n.toLocaleString()} ${unit}`);
  const titleId = useId();
  const [ref, W] = useWidth<HTMLElement>(640);
  const max = niceMax(Math.max(0, ...bars.map((b) => b.value)));
  // Room for the widest axis label ("$0.0005" is wider than "2k"), about 6.5 px a character at 11 px.
  const left = Math.max(PAD.left, Math.ceil(Math.max(...[0, 0.5, 1].map((f) => axis(max * f).length)) * 6.5) + 10);
  const innerW = Math.max(W - left - PAD.right, 10);
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / Math.max(bars.length, 1);
  const width = Math.max(2, Math.min(24, slot * 0.7));
  const every = Math.max(1, Math.ceil(bars.length / Math.max(1, Math.floor(innerW / 70))));
  return (
    <figure className="chart" ref={ref}>
      <figcaption id={titleId}>{label}</figcaption>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={titleId}>
        {[0, 0.5, 1].map((f) => {
          const y = PAD.top + innerH * (1 - f);
          return (
            <g key={f}>
              <line x1={left} x2={W - PAD.right} y1={y} y2={y} className="chart-grid" />
              <text x={left - 6} y={y + 4} className="chart-axis" textAnchor="end">
                {axis(max * f)}
              </text>
            </g>
          );
        })}
        {bars.map((b, i) => {
          const h = (b.value / max) * innerH;
          const x = left + slot * i + (slot - width) / 2;
          return (
            <g key={b.date}>
              <rect x={x} y={PAD.top + innerH - h} width={width} height={h} rx={2} className={`chart-bar chart-${tone}`}>
                <title>{`${formatDay(b.date)}: ${value(b.value)}`}</title>
              </rect>
              {(bars.length - 1 - i) % every === 0 && (
                <text x={x + width / 2} y={H - 6} className="chart-axis" textAnchor="middle">
                  {formatDay(b.date)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <div className="sr-only">
        <table>
          <caption>{label}</caption>
          <tbody>
            {bars.map((b) => (
              <tr key={b.date}>
                <th scope="row">{formatDay(b.date)}</th>
                <td>{format ? format(b.value) : b.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
