"use client";

import { type Ref, useState } from "react";

export type TokenState = "none" | "checking" | "accepted" | "refused";

const STATE_TEXT: Record<TokenState, { text: string; className: string }> = {
  none: { text: "not set", className: "text-muted" },
  checking: { text: "checking…", className: "text-muted" },
  accepted: { text: "accepted", className: "text-emerald-300" },
  refused: { text: "refused (403)", className: "text-red-300" },
};

/** The token box, with what it is for and where it is kept, said plainly. */
export function TokenField({
  token,
  onToken,
  state,
  inputRef,
}: {
  token: string;
  onToken: (token: string) => void;
  state: TokenState;
  inputRef: Ref<HTMLInputElement>;
}) {
  const [shown, setShown] = useState(false);
  const status = STATE_TEXT[state];
  return (
    <div className="flex flex-col gap-2 rounded-lg border border-white/10 bg-neutral-950/60 px-3 py-2 text-xs sm:flex-row sm:items-center sm:gap-3">
      <div className="flex items-center gap-2">
        <label htmlFor="admin-token" className="shrink-0 font-medium text-neutral-200">
          Admin token
        </label>
        <div className="flex h-7 min-w-0 flex-1 items-center rounded-md border border-white/10 bg-black/40 focus-within:border-(--tint-strong) sm:w-64 sm:flex-none">
          <input
            ref={inputRef}
            id="admin-token"
            type={shown ? "text" : "password"}
            value={token}
            onChange={(e) => onToken(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="off"
            placeholder="paste the ADMIN_TOKEN"
            aria-describedby="admin-token-help admin-token-state"
            className="h-full min-w-0 flex-1 bg-transparent px-2 font-mono text-neutral-100 outline-none placeholder:text-neutral-500"
          />
          <button
            type="button"
            onClick={() => setShown((s) => !s)}
            aria-pressed={shown}
            aria-label="Show token"
            className="h-full px-2 text-muted hover:text-neutral-200 focus-visible:outline-2 focus-visible:outline-(--tint-strong)"
          >
            {shown ? "hide" : "show"}
          </button>
        </div>
        {token ? (
          <button
            type="button"
            onClick={() => onToken("")}
            className="h-7 shrink-0 rounded-md border border-white/10 px-2 text-neutral-300 hover:bg-white/5 focus-visible:outline-2 focus-visible:outline-(--tint-strong)"
          >
            Forget
          </button>
        ) : null}
      </div>
      <p className="text-muted">
        <span id="admin-token-state" className={status.className}>
          <span className="sr-only">Token </span>
          {status.text}
        </span>{" "}
        <span aria-hidden="true">·</span>{" "}
        <span id="admin-token-help">
          Requeue and Fail need it. Kept in this tab only (sessionStorage), never in the URL. Reading the numbers does
          not.
        </span>
      </p>
    </div>
  );
}
