import { type ClientOptions, type Sent, TypedApi } from "./core.ts";

/**
 * The calls that carry a bearer token: the monitor's (the operator's admin token, given per call)
 * and the bot's (its token, given once). Apart from TypedApi so that the chat page, which sends no
 * token, does not ship this.
 */
export interface AuthorizedOptions extends ClientOptions {
  /** A bearer token on every call; a call's own `token` wins. */
  token?: string;
  /** Never answered from the browser's cache: the monitor reads the current state. */
  noStore?: boolean;
}

export class AuthorizedApi extends TypedApi<{ token?: string }> {
  private readonly token: string | undefined;

  constructor(options: AuthorizedOptions) {
    const { token, noStore, ...rest } = options;
    const fetchImpl = rest.fetch ?? ((input, init) => fetch(input, init));
    // (`cache` is a browser's option; Node's types do not know it.)
    const fresh: typeof fetch = (input, init) => fetchImpl(input, { ...init, cache: "no-store" } as RequestInit);
    super(noStore ? { ...rest, fetch: fresh } : rest);
    this.token = token;
  }

  /** The call's token, else the client's; blank means none. */
  protected override headers(call: Sent): Record<string, string> {
    const token = (call.token ?? this.token)?.trim();
    return token ? { Authorization: `Bearer ${token}` } : {};
  }
}
