"use client";

import { type FormEvent, useState } from "react";
import type { BotTokens } from "@/hooks/use-bot-tokens";
import { formatAgo, parseEntityScope, scopeLabel } from "@/lib/monitor/monitor";
import { actionButtonClass, Empty, failButtonClass, inputClass, Panel, Rows, requeueButtonClass } from "./panel";

/**
 * O7: named bot tokens, each limited to the entities it may claim and speak as. A new
 * token's secret is shown once here (the server keeps only its hash); revoking stops it at once.
 */
export function BotTokensPanel({ tokens, hasAdminToken }: { tokens: BotTokens; hasAdminToken: boolean }) {
  const [name, setName] = useState("");
  const [entities, setEntities] = useState("");
  const [formProblem, setFormProblem] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const live = tokens.tokens?.filter((t) => t.revokedAt === null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseEntityScope(entities);
    if ("problem" in parsed) {
      setFormProblem(parsed.problem);
      return;
    }
    setFormProblem(null);
    setCopied(false);
    if (await tokens.create(name.trim(), parsed.scope)) {
      setName("");
      setEntities("");
    }
  };
  const copy = async (secret: string) => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setFormProblem("Copy failed: select the token and copy it by hand.");
    }
  };

  return (
    <Panel title="Bot tokens" count={live?.length} aside="per-entity credentials for bots">
      {!hasAdminToken ? (
        <Empty>Enter the admin token above to manage bot tokens.</Empty>
      ) : (
        <div className="space-y-2 px-3 py-2 text-xs">
          <form onSubmit={submit} aria-label="Create a bot token" className="flex flex-wrap items-center gap-1.5">
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-label="Token name"
              placeholder="name, e.g. sage-gpu-box"
              maxLength={64}
              required
              className={`${inputClass} basis-40`}
            />
            <input
              value={entities}
              onChange={(e) => setEntities(e.target.value)}
              aria-label="Entities it may speak as"
              placeholder="entities: sage, wren (or *)"
              required
              className={`${inputClass} flex-1 basis-48`}
            />
            <button type="submit" disabled={tokens.busy} className={requeueButtonClass}>
              {tokens.busy ? "Working…" : "Create"}
            </button>
          </form>
          {formProblem || tokens.problem ? (
            <p role="alert" className="text-red-200">
              {formProblem ?? tokens.problem}
            </p>
          ) : null}
          {tokens.created ? (
            <div
              role="status"
              className="space-y-1 rounded-md border border-emerald-400/30 bg-emerald-950/40 px-2 py-1.5 text-emerald-100"
            >
              <p>
                Token for <strong>{tokens.created.name}</strong>: copy it now; it will not be shown again.
              </p>
              <div className="flex items-center gap-1.5">
                <input
                  readOnly
                  value={tokens.created.token}
                  onFocus={(e) => e.currentTarget.select()}
                  aria-label={`New token for ${tokens.created.name}`}
                  className={`${inputClass} flex-1 font-mono`}
                />
                <button
                  type="button"
                  onClick={() => tokens.created && copy(tokens.created.token)}
                  className={requeueButtonClass}
                >
                  {copied ? "Copied" : "Copy"}
                </button>
                <button
                  type="button"
                  onClick={tokens.forget}
                  className={`${actionButtonClass} border-white/10 text-neutral-300 hover:bg-white/5`}
                >
                  Done
                </button>
              </div>
            </div>
          ) : null}
          {!tokens.tokens ? (
            <p className="text-muted">
              {tokens.error ? "Could not list tokens (is the admin token right?)" : "Loading…"}
            </p>
          ) : tokens.tokens.length === 0 ? (
            <p className="text-muted">No named tokens yet; bots use the BOT_TOKEN secret (all entities).</p>
          ) : (
            <Rows label="Bot tokens">
              {tokens.tokens.map((t) => (
                <li key={`${t.name}-${t.createdAt}`} className="flex min-w-0 items-center gap-2 py-1.5">
                  <span className={`min-w-0 truncate font-mono ${t.revokedAt ? "text-muted line-through" : ""}`}>
                    {t.name}
                  </span>
                  <span className="min-w-0 truncate text-muted">{scopeLabel(t.entities)}</span>
                  <span className="ml-auto shrink-0 text-[11px] whitespace-nowrap text-muted">
                    {t.revokedAt
                      ? `revoked ${formatAgo(t.revokedAt, Date.now())}`
                      : `created ${formatAgo(t.createdAt, Date.now())}`}
                  </span>
                  {t.revokedAt === null ? (
                    <button
                      type="button"
                      disabled={tokens.busy}
                      onClick={() => tokens.revoke(t.name)}
                      aria-label={`Revoke ${t.name}`}
                      className={failButtonClass}
                    >
                      Revoke
                    </button>
                  ) : null}
                </li>
              ))}
            </Rows>
          )}
        </div>
      )}
    </Panel>
  );
}
