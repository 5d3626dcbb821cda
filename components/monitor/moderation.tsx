"use client";

import { type FormEvent, useEffect, useRef, useState } from "react";
import type { ModerationData } from "@/hooks/use-moderation";
import { auditLine, canRestore, MUTE_CHOICES, moderationErrorText, targetLabel } from "@/lib/moderation/moderation";
import { formatAgo, formatExpiry } from "@/lib/monitor/monitor";
import { textColor } from "@/lib/shared/colors";
import { type Message, MODERATION, type MuteRequestTarget, type MuteTarget } from "@/types";
import {
  actionButtonClass,
  Empty,
  failButtonClass,
  inputClass,
  MessageId,
  Panel,
  Rows,
  requeueButtonClass,
} from "./panel";
import { ReasonForm } from "./reason-form";

const cancelClass = `${actionButtonClass} border-white/10 text-neutral-300 hover:bg-white/5 focus-visible:outline-neutral-300`;

/** O9: the newest messages, each with Remove (and Restore during the grace period). */
export function RecentMessages({ data, now }: { data: ModerationData; now: number }) {
  const [removing, setRemoving] = useState<string | null>(null);
  const [muting, setMuting] = useState<string | null>(null);
  const rows = data.recent;
  return (
    <Panel title="Recent messages" count={rows?.length} aside="newest first · remove takes it down everywhere">
      {!rows ? (
        <Empty>Loading…</Empty>
      ) : rows.length === 0 ? (
        <Empty>No messages yet.</Empty>
      ) : (
        <Rows label="Recent messages">
          {rows.map((m) => (
            <li key={m.id} className="px-3 py-2">
              <RecentRow
                message={m}
                now={now}
                busy={data.busy.has(m.id)}
                removing={removing === m.id}
                onRemoveStart={() => {
                  setMuting(null);
                  setRemoving(m.id);
                }}
                onMuteStart={() => {
                  setRemoving(null);
                  setMuting(m.id);
                }}
                onRestore={() => void data.restore(m.id)}
              />
              {muting === m.id ? (
                <RowMuteForm
                  message={m}
                  onMute={async (target, minutes, reason) => {
                    if (await data.mute(target, minutes, reason)) setMuting(null);
                  }}
                  onCancel={() => setMuting(null)}
                />
              ) : null}
              {removing === m.id ? (
                <ReasonForm
                  action="Remove"
                  messageId={m.id}
                  busy={data.busy.has(m.id)}
                  onSubmit={async (reason) => {
                    if (await data.remove(m.id, reason)) setRemoving(null);
                  }}
                  onCancel={() => setRemoving(null)}
                />
              ) : null}
            </li>
          ))}
        </Rows>
      )}
    </Panel>
  );
}

function RecentRow({
  message: m,
  now,
  busy,
  removing,
  onRemoveStart,
  onMuteStart,
  onRestore,
}: {
  message: Message;
  now: number;
  busy: boolean;
  removing: boolean;
  onRemoveStart: () => void;
  onMuteStart: () => void;
  onRestore: () => void;
}) {
  const muteButton = (
    <button
      type="button"
      onClick={onMuteStart}
      aria-label={`Mute the poster of ${m.id}`}
      title="Stop whoever posted this from posting for a while"
      className={cancelClass}
    >
      Mute…
    </button>
  );
  if (m.removed) {
    return (
      <div className="flex min-w-0 flex-wrap items-center gap-2">
        <MessageId id={m.id} />
        <span className="min-w-0 flex-1 text-xs text-muted italic">
          removed {formatAgo(m.removed.at, now)}: {m.removed.reason}
        </span>
        {canRestore(m, now) ? (
          <button
            type="button"
            disabled={busy}
            onClick={onRestore}
            aria-label={`Restore ${m.id}`}
            title={`Undo the removal (possible for ${MODERATION.graceMs / 60_000} minutes)`}
            className={requeueButtonClass}
          >
            {busy ? "Restoring…" : "Restore"}
          </button>
        ) : null}
        {muteButton}
      </div>
    );
  }
  return (
    <div className="flex min-w-0 flex-wrap items-start gap-x-2 gap-y-1">
      <p className="min-w-0 flex-1 basis-56 text-xs break-words" style={{ color: textColor(m.color) }}>
        <span className="font-semibold">{m.username}: </span>
        {m.text}
      </p>
      <span className="shrink-0 text-[11px] text-muted">{formatAgo(m.timestamp, now)}</span>
      {!removing ? (
        <button
          type="button"
          disabled={busy}
          onClick={onRemoveStart}
          aria-label={`Remove ${m.id}`}
          title="Take this message down for everyone"
          className={failButtonClass}
        >
          Remove
        </button>
      ) : null}
      {muteButton}
    </div>
  );
}

/** Mute the author of one message: its exact identity, or the address that posted it. */
function RowMuteForm({
  message: m,
  onMute,
  onCancel,
}: {
  message: Message;
  onMute: (target: MuteRequestTarget, minutes: number, reason: string) => void;
  onCancel: () => void;
}) {
  const hasIdentity = m.username !== "" && m.color !== "";
  const [who, setWho] = useState<"identity" | "address">(hasIdentity ? "identity" : "address");
  const [minutes, setMinutes] = useState(MUTE_CHOICES[1]?.minutes ?? 60);
  const [reason, setReason] = useState(m.removed?.reason ?? "");
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onMute(who === "identity" ? { username: m.username, color: m.color } : { messageId: m.id }, minutes, reason);
  };
  return (
    <form
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === "Escape") onCancel();
      }}
      aria-label={`Mute the poster of ${m.id}`}
      className="mt-1.5 flex flex-wrap items-center gap-1.5"
    >
      <select
        ref={first}
        value={who}
        onChange={(e) => setWho(e.target.value as "identity" | "address")}
        aria-label="Mute whom"
        className={inputClass}
      >
        {hasIdentity ? <option value="identity">{`${m.username} (this name and color)`}</option> : null}
        <option value="address">the address that posted it</option>
      </select>
      <MinutesSelect value={minutes} onChange={setMinutes} />
      <MuteReason value={reason} onChange={setReason} />
      <button type="submit" className={failButtonClass}>
        Mute
      </button>
      <button type="button" onClick={onCancel} className={cancelClass}>
        Cancel
      </button>
    </form>
  );
}

function MuteReason({ value, onChange }: { value: string; onChange: (reason: string) => void }) {
  return (
    <input
      value={value}
      onChange={(e) => onChange(e.target.value)}
      maxLength={MODERATION.reasonMax}
      aria-label="Reason for the mute"
      placeholder="reason"
      className={`${inputClass} min-w-24 flex-1`}
    />
  );
}

function MinutesSelect({ value, onChange }: { value: number; onChange: (minutes: number) => void }) {
  return (
    <select
      value={value}
      onChange={(e) => onChange(Number(e.target.value))}
      aria-label="Mute for"
      className={inputClass}
    >
      {MUTE_CHOICES.map((c) => (
        <option key={c.minutes} value={c.minutes}>
          {c.label}
        </option>
      ))}
    </select>
  );
}

/** O9: mute an address or an exact identity for a while; the active mutes, each with Unmute. */
export function Mutes({ data, now }: { data: ModerationData; now: number }) {
  const [kind, setKind] = useState<"identity" | "address">("identity");
  const [username, setUsername] = useState("");
  const [color, setColor] = useState("");
  const [address, setAddress] = useState("");
  const [minutes, setMinutes] = useState(MUTE_CHOICES[1]?.minutes ?? 60);
  const [reason, setReason] = useState("");
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const target: MuteTarget =
      kind === "address" ? { address: address.trim() } : { username: username.trim(), color: color.trim() };
    if (await data.mute(target, minutes, reason)) setReason("");
  };
  const rows = data.mutes;
  return (
    <Panel title="Mutes" count={rows?.length} aside="their posts get 403 until the end">
      <form
        onSubmit={submit}
        aria-label="Mute"
        className="flex flex-wrap items-center gap-1.5 border-b border-white/[0.07] px-3 py-2"
      >
        <select
          value={kind}
          onChange={(e) => setKind(e.target.value as "identity" | "address")}
          aria-label="Mute whom"
          className={inputClass}
        >
          <option value="identity">Identity</option>
          <option value="address">Address</option>
        </select>
        {kind === "identity" ? (
          <>
            <input
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-label="Username to mute"
              placeholder="username"
              className={`${inputClass} w-28`}
            />
            <input
              value={color}
              onChange={(e) => setColor(e.target.value)}
              aria-label="Color to mute"
              placeholder="color RRRGGGBBB"
              className={`${inputClass} w-36 font-mono`}
            />
          </>
        ) : (
          <input
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            aria-label="Client address to mute"
            placeholder="client IP address"
            className={`${inputClass} w-40 font-mono`}
          />
        )}
        <MinutesSelect value={minutes} onChange={setMinutes} />
        <MuteReason value={reason} onChange={setReason} />
        <button type="submit" className={failButtonClass}>
          Mute
        </button>
      </form>
      {data.problem ? (
        <Empty>{moderationErrorText("Listing mutes", data.problem)}</Empty>
      ) : !rows ? (
        <Empty>Enter the admin token above to list mutes and the audit trail.</Empty>
      ) : rows.length === 0 ? (
        <Empty>Nobody is muted.</Empty>
      ) : (
        <Rows label="Active mutes">
          {rows.map((m) => {
            const label = targetLabel(m.target);
            const busy = data.busy.has(label);
            return (
              <li key={label} className="flex min-w-0 flex-wrap items-center gap-2 px-3 py-2 text-xs">
                <span className="min-w-0 truncate font-mono text-neutral-200">{label}</span>
                <span className="text-muted">ends {formatExpiry(m.until, now)}</span>
                {m.reason ? <span className="min-w-0 flex-1 break-words text-neutral-300">{m.reason}</span> : null}
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void data.unmute(m.target)}
                  aria-label={`Unmute ${label}`}
                  className={`ml-auto ${requeueButtonClass}`}
                >
                  {busy ? "Unmuting…" : "Unmute"}
                </button>
              </li>
            );
          })}
        </Rows>
      )}
    </Panel>
  );
}

/** O9: who removed, restored, muted and unmuted what, and why; newest first. */
export function AuditTrail({ data, now }: { data: ModerationData; now: number }) {
  const entries = data.audit ? [...data.audit].reverse() : undefined;
  return (
    <Panel title="Audit trail" count={entries?.length} aside="newest first">
      {!entries ? (
        <Empty>Enter the admin token above to see the audit trail.</Empty>
      ) : entries.length === 0 ? (
        <Empty>No moderation actions yet.</Empty>
      ) : (
        <Rows label="Audit trail">
          {entries.map((e) => (
            <li key={e.id} className="flex min-w-0 flex-wrap items-baseline gap-x-2 px-3 py-1.5 text-xs">
              <span className="min-w-0 flex-1 break-words text-neutral-200">{auditLine(e)}</span>
              <time dateTime={new Date(e.at).toISOString()} title={new Date(e.at).toISOString()} className="text-muted">
                {formatAgo(e.at, now)}
              </time>
            </li>
          ))}
        </Rows>
      )}
    </Panel>
  );
}
