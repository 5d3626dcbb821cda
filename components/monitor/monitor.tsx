"use client";

import { type CSSProperties, type ReactNode, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { useAdminToken } from "@/hooks/use-admin-token";
import { useBotTokens } from "@/hooks/use-bot-tokens";
import { useLocalStorage } from "@/hooks/use-local-storage";
import { useModeration } from "@/hooks/use-moderation";
import { useMonitorActions, useMonitorData } from "@/hooks/use-monitor";
import { useNow } from "@/hooks/use-now";
import { useSceneSettings } from "@/hooks/use-scene-settings";
import { ApiError } from "@/lib/client/core";
import {
  botRows,
  entityRows,
  formatAgo,
  leaseRows,
  monitorPath,
  pendingRows,
  roomFromLocation,
  storageMeasuring,
  storageRows,
  tokenProblem,
} from "@/lib/monitor/monitor";
import { RANGE_MINUTES, type SeriesRange } from "@/lib/monitor/series";
import { tintVariables } from "@/lib/shared/tint";
import { isAdminStats } from "@/types";
import { Archive } from "./archive";
import { BotTokensPanel } from "./bot-tokens";
import { Bots } from "./bots";
import { Charts } from "./charts";
import { EntityTable } from "./entity-table";
import { Failures } from "./failures";
import { Leases } from "./leases";
import { AuditTrail, Mutes, RecentMessages } from "./moderation";
import { type LiveState, MonitorHeader } from "./monitor-header";
import { NoticeBar } from "./notice";
import { SceneSettingsPanel } from "./scene-settings";
import { Storage } from "./storage";
import { Summary } from "./summary";
import { TokenField, type TokenState } from "./token-field";
import { Waiting } from "./waiting";

const noSubscribe = () => () => {};

/** O1/O3: the queue monitor reads the URL and sessionStorage, so it renders in the browser only. */
export function Monitor() {
  const mounted = useSyncExternalStore(
    noSubscribe,
    () => true,
    () => false,
  );
  return mounted ? <MonitorView /> : <MonitorSkeleton />;
}

function MonitorSkeleton() {
  return (
    <main className="min-h-dvh bg-black font-sans" aria-busy="true">
      <div className="h-12 border-b border-white/10" />
    </main>
  );
}

function subscribeVisibility(listener: () => void) {
  document.addEventListener("visibilitychange", listener);
  return () => document.removeEventListener("visibilitychange", listener);
}

function MonitorView() {
  const [room, setRoom] = useState(() => roomFromLocation(window.location.search, window.location.hash));
  useEffect(() => {
    const onPop = () => setRoom(roomFromLocation(window.location.search, window.location.hash));
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  const watch = (next: string) => {
    if (next === room) return;
    window.history.pushState(null, "", monitorPath(next));
    setRoom(next);
  };
  useEffect(() => {
    document.title = `Queue monitor · #${room}`;
  }, [room]);

  const [token, setToken] = useAdminToken();
  const tokenInput = useRef<HTMLInputElement>(null);
  const [range, setRange] = useState<SeriesRange>("1h");
  const data = useMonitorData(room, token, RANGE_MINUTES[range]);
  const actions = useMonitorActions(data.api, token, data.refresh, () => tokenInput.current?.focus());
  const moderation = useModeration(room, token, actions);
  const now = useNow(1_000);
  const visible = useSyncExternalStore(
    subscribeVisibility,
    () => document.visibilityState === "visible",
    () => true,
  );

  // C6: an identity's color tints the chrome here too (neutral grey without one).
  const [color] = useLocalStorage("sww:color");
  const tint = useMemo(() => tintVariables(color ?? "") as CSSProperties, [color]);

  const { stats, fetchedAt } = data;
  // Bots, leases and failure reasons are admin-only; without the token those panels say so.
  const detail = stats && isAdminStats(stats) ? stats : undefined;
  const locked = stats && !detail ? "Enter the admin token above to see this." : undefined;
  const entities = useMemo(
    () => (stats ? entityRows(stats, data.entities, now) : undefined),
    [stats, data.entities, now],
  );
  const colors = useMemo(() => {
    const map = new Map<string, string>();
    for (const e of data.entities) if (e.color) map.set(e.id, e.color);
    return map;
  }, [data.entities]);

  const live: LiveState = !visible ? "paused" : data.error ? "offline" : stats ? "live" : "loading";
  const tokenState: TokenState = !token.trim()
    ? "none"
    : data.pendingError instanceof ApiError && data.pendingError.code === "forbidden"
      ? "refused"
      : data.pending
        ? "accepted"
        : "checking";
  // Named bot tokens are managed once the admin token is known to be right.
  const botTokens = useBotTokens(data.api, tokenState === "accepted" ? token.trim() : "");
  const scene = useSceneSettings(data.api, room, tokenState === "accepted" ? token.trim() : "");
  const waitingProblem = !token.trim()
    ? "Enter the admin token above to list waiting messages and fail one by hand."
    : tokenProblem(data.pendingError);
  const oldestPending =
    stats?.queue.oldestPendingAgeMs == null ? null : stats.queue.oldestPendingAgeMs + Math.max(0, now - fetchedAt);

  return (
    <main style={tint} className="min-h-dvh bg-black pb-20 font-sans text-neutral-100">
      <MonitorHeader room={room} onRoom={watch} live={live} updatedAgo={fetchedAt ? formatAgo(fetchedAt, now) : null} />
      <div className="mx-auto max-w-7xl space-y-3 px-3 py-3 sm:px-5 sm:py-4">
        <TokenField token={token} onToken={setToken} state={tokenState} inputRef={tokenInput} />
        {data.error && !stats ? (
          <p
            role="alert"
            className="rounded-lg border border-amber-400/30 bg-amber-950/40 px-3 py-2 text-xs text-amber-100"
          >
            Could not load the numbers for #{room}:{" "}
            {data.error instanceof Error ? data.error.message : String(data.error)}. Retrying every 2 s.
          </p>
        ) : null}
        <Summary stats={stats} oldestPendingMs={oldestPending} />
        <Charts series={stats?.series} range={range} onRange={setRange} at={fetchedAt} />
        {/* Two columns on a wide screen; on a phone one column, the actionable panels first. */}
        <div className="flex flex-col gap-3 lg:grid lg:grid-cols-2 lg:items-start">
          <div className="contents lg:grid lg:min-w-0 lg:gap-3">
            <Slot order="max-lg:order-1">
              <EntityTable rows={entities} fetchedAt={fetchedAt} now={now} />
            </Slot>
            <Slot order="max-lg:order-3">
              <Leases
                rows={detail ? leaseRows(detail, now) : undefined}
                locked={locked}
                now={now}
                colors={colors}
                actions={actions}
              />
            </Slot>
            <Slot order="max-lg:order-5">
              <Bots rows={detail ? botRows(detail, now) : undefined} locked={locked} now={now} />
            </Slot>
          </div>
          <div className="contents lg:grid lg:min-w-0 lg:gap-3">
            <Slot order="max-lg:order-2">
              <Failures rows={detail?.recentFailures} locked={locked} colors={colors} actions={actions} />
            </Slot>
            <Slot order="max-lg:order-4">
              <Waiting
                rows={data.pending ? pendingRows(data.pending, now) : undefined}
                problem={waitingProblem}
                total={stats?.queue.pending}
                colors={colors}
                actions={actions}
              />
            </Slot>
            <Slot order="max-lg:order-7">
              <BotTokensPanel tokens={botTokens} hasAdminToken={tokenState === "accepted"} />
            </Slot>
            <Slot order="max-lg:order-7">
              <SceneSettingsPanel scene={scene} hasAdminToken={tokenState === "accepted"} />
            </Slot>
            <Slot order="max-lg:order-6">
              <Storage
                rows={stats ? storageRows(stats) : undefined}
                since={stats?.storage.since}
                measuring={stats ? storageMeasuring(stats, now) : false}
                now={now}
              />
            </Slot>
            <Slot order="max-lg:order-7">
              <Archive archive={stats?.archive} now={now} />
            </Slot>
          </div>
        </div>
        {/* Moderation (O9): the messages to act on, then who is muted, then the trail. */}
        <div className="flex flex-col gap-3 lg:grid lg:grid-cols-2 lg:items-start">
          <RecentMessages data={moderation} now={now} />
          <div className="grid min-w-0 gap-3">
            <Mutes data={moderation} now={now} />
            <AuditTrail data={moderation} now={now} />
          </div>
        </div>
      </div>
      <NoticeBar notice={actions.notice} onDismiss={actions.dismiss} />
    </main>
  );
}

function Slot({ order, children }: { order: string; children: ReactNode }) {
  return <div className={`min-w-0 ${order}`}>{children}</div>;
}
