"use client";

import "uplot/dist/uPlot.min.css";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import type uPlot from "uplot";
import { formatCount, formatDuration } from "@/lib/monitor/monitor";
import { RANGE_LABEL, type SeriesColumns, type SeriesRange, seriesColumns, seriesTotals } from "@/lib/monitor/series";
import type { Series } from "@/types";
import { Empty, Panel } from "./panel";

/** The page's own palette (the Summary tiles' dots), as the canvas needs real colors. */
const COLOR = {
  messages: "#d4d4d4", // neutral-300
  replies: "#34d399", // emerald-400
  failures: "#f87171", // red-400
  pending: "#fcd34d", // amber-300
  processing: "#7dd3fc", // sky-300
  muted: "#8e8e8e",
  grid: "rgba(255,255,255,0.06)",
};

interface Line {
  label: string;
  color: string;
  values: (number | null)[];
  /** A second y axis on the right (for a unit the first does not share). */
  right?: boolean;
  /** Sparse values (a gauge or a percentile with gaps): dots, so a lone minute still shows. */
  dots?: boolean;
}

/**
 * O5: the room's last hour or day as small live charts. uPlot is loaded after the page paints;
 * memoised so the page's once-a-second clock does not redraw them, only new numbers do.
 */
export const Charts = memo(function Charts({
  series,
  range,
  onRange,
  at,
}: {
  series: Series | undefined;
  range: SeriesRange;
  onRange: (range: SeriesRange) => void;
  /** When the numbers were fetched: the charts end with that minute. */
  at: number;
}) {
  const cols = useMemo(() => (series ? seriesColumns(series.minutes, range, at) : undefined), [series, range, at]);
  const totals = cols ? seriesTotals(cols) : undefined;
  const span = RANGE_LABEL[range];
  return (
    <Panel title="Activity" aside={<RangeToggle range={range} onRange={onRange} />}>
      {!cols || !totals || !series ? (
        <Empty>Loading…</Empty>
      ) : (
        <div className="grid gap-px bg-white/[0.06] sm:grid-cols-2">
          <Chart
            title="Messages per minute"
            x={cols.x}
            lines={[
              { label: "messages", color: COLOR.messages, values: cols.messages },
              { label: "replies", color: COLOR.replies, values: cols.replies },
              { label: "failures", color: COLOR.failures, values: cols.failures },
            ]}
            caption={`${count(totals.messages, "message")} · ${count(totals.replies, "reply", "replies")} · ${count(totals.failures, "failure")} in ${span}`}
            empty={totals.messages + totals.replies + totals.failures === 0 ? `No messages in ${span}.` : null}
          />
          <Chart
            title="Queue"
            x={cols.x}
            lines={[
              { label: "waiting or answering", color: COLOR.pending, values: cols.queueDepth },
              {
                label: "oldest pending (s)",
                color: COLOR.processing,
                values: cols.oldestPendingS,
                right: true,
                dots: true,
              },
            ]}
            caption={`at most ${formatCount(totals.maxQueueDepth)} in the queue${totals.maxOldestPendingS === null ? "" : ` · oldest waited ${formatDuration(totals.maxOldestPendingS * 1000)}`}`}
            empty={
              totals.maxQueueDepth === 0 && totals.maxOldestPendingS === null ? `Nothing waited in ${span}.` : null
            }
          />
          <Chart
            title="Reply latency"
            x={cols.x}
            lines={[
              { label: "p50 (s)", color: COLOR.replies, values: cols.latencyP50S, dots: true },
              { label: "p95 (s)", color: COLOR.pending, values: cols.latencyP95S, dots: true },
            ]}
            caption={
              totals.maxLatencyP95S === null
                ? "post → reply stored"
                : `post → reply stored · p95 up to ${formatSeconds(totals.maxLatencyP95S)}`
            }
            empty={
              !series.detailed
                ? "Enter the admin token above to see how fast entities answer."
                : totals.maxLatencyP95S === null
                  ? `No replies in ${span}.`
                  : null
            }
          />
          <Chart
            title="Storage work per minute"
            x={cols.x}
            lines={[
              { label: "rows written", color: COLOR.pending, values: cols.rowsWritten },
              { label: "rows read", color: COLOR.messages, values: cols.rowsRead },
              { label: "KV reads", color: COLOR.processing, values: cols.kvReads },
              { label: "KV writes", color: COLOR.failures, values: cols.kvWrites },
            ]}
            caption={`${formatCount(totals.rowsWritten)} rows written · ${formatCount(totals.rowsRead)} read · KV ${formatCount(totals.kvReads)} reads, ${formatCount(totals.kvWrites)} writes`}
            empty={
              totals.rowsWritten + totals.rowsRead + totals.kvReads + totals.kvWrites === 0
                ? `No storage work in ${span}.`
                : null
            }
          />
        </div>
      )}
    </Panel>
  );
});

function count(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function formatSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  return s < 10 ? `${s.toFixed(1)} s` : formatDuration(s * 1000);
}

function RangeToggle({ range, onRange }: { range: SeriesRange; onRange: (range: SeriesRange) => void }) {
  const options: [SeriesRange, string][] = [
    ["1h", "1 h"],
    ["24h", "24 h"],
  ];
  return (
    <fieldset className="flex gap-1">
      <legend className="sr-only">Chart range</legend>
      {options.map(([value, label]) => (
        <button
          key={value}
          type="button"
          aria-pressed={range === value}
          onClick={() => onRange(value)}
          className={`h-6 rounded border px-2 font-mono text-[11px] focus-visible:outline-2 focus-visible:outline-neutral-300 ${
            range === value
              ? "border-white/30 bg-white/10 text-neutral-100"
              : "border-white/10 text-muted hover:bg-white/[0.06]"
          }`}
        >
          {label}
        </button>
      ))}
    </fieldset>
  );
}

function Chart({
  title,
  x,
  lines,
  caption,
  empty,
}: {
  title: string;
  x: SeriesColumns["x"];
  lines: Line[];
  caption: string;
  empty: string | null;
}) {
  return (
    <figure aria-label={title} className="m-0 min-w-0 bg-neutral-950 px-3 pt-2 pb-1">
      <figcaption className="mb-1 flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
        <span className="text-[12px] font-medium text-neutral-200">{title}</span>
        <span className="text-[11px] text-muted tabular-nums">{caption}</span>
      </figcaption>
      <ul className="mb-1 flex flex-wrap gap-x-3 text-[11px] text-muted" aria-hidden="true">
        {lines.map((l) => (
          <li key={l.label} className="flex items-center gap-1">
            <span className="h-0.5 w-3 rounded" style={{ background: l.color }} />
            {l.label}
          </li>
        ))}
      </ul>
      {empty ? (
        <p className="flex h-[130px] items-center justify-center text-xs text-muted">{empty}</p>
      ) : (
        <Plot x={x} lines={lines} />
      )}
    </figure>
  );
}

type UPlotClass = typeof uPlot;
let uPlotModule: Promise<UPlotClass> | null = null;
/** The chart library arrives in its own chunk, once, after the page has painted. */
function loadUPlot(): Promise<UPlotClass> {
  uPlotModule ??= import("uplot").then((m) => m.default);
  return uPlotModule;
}

const HEIGHT = 130;

/** One uPlot canvas: created once, then fed new columns (a cheap redraw, no re-creation). */
function Plot({ x, lines }: { x: number[]; lines: Line[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const data = [x, ...lines.map((l) => l.values)] as uPlot.AlignedData;
  const latest = useRef(data);
  // Redraw only when a column is a new array (new numbers arrived), not on every render.
  const changed = data.length !== latest.current.length || data.some((col, i) => col !== latest.current[i]);
  if (changed) latest.current = data;
  const current = latest.current;
  // The chart is rebuilt only when its lines change (never for new numbers); this names them.
  const shape = lines.map((l) => `${l.label}|${l.color}|${l.right}|${l.dots}`).join(";");
  const linesNow = useRef(lines);
  linesNow.current = lines;

  useEffect(() => {
    let cancelled = false;
    let observer: ResizeObserver | undefined;
    const el = box.current;
    if (!el) return;
    loadUPlot()
      .then((UPlot) => {
        if (cancelled) return;
        const axis = {
          stroke: COLOR.muted,
          grid: { stroke: COLOR.grid, width: 1 },
          ticks: { stroke: COLOR.grid, width: 1 },
          font: "10px ui-sans-serif, system-ui, sans-serif",
        };
        const configured = linesNow.current;
        const hasRight = configured.some((l) => l.right);
        const opts: uPlot.Options = {
          width: Math.max(200, el.clientWidth),
          height: HEIGHT,
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] }, r: { auto: true } },
          axes: [
            { ...axis, size: 30 },
            { ...axis, size: 34, scale: "y" },
            ...(hasRight ? [{ ...axis, size: 34, scale: "r", side: 1, grid: { show: false } }] : []),
          ],
          series: [
            {},
            ...configured.map((l) => ({
              label: l.label,
              stroke: l.color,
              width: 1.5,
              scale: l.right ? "r" : "y",
              points: l.dots ? { show: true, size: 5, fill: l.color } : { show: false },
            })),
          ],
        };
        plot.current = new UPlot(opts, latest.current, el);
        observer = new ResizeObserver(() => {
          plot.current?.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT });
        });
        observer.observe(el);
      })
      .catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)));
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(current);
  }, [current]);

  if (failed) return <p className="h-[130px] text-xs text-amber-200">Could not load the chart: {failed}</p>;
  return <div ref={box} className="h-[130px] w-full min-w-0" data-points={x.length} />;
}
