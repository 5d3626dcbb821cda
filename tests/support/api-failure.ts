import { ApiError } from "../../lib/client/core.ts";

/** The ApiError a client call rejects with; fails the test when it resolves or throws anything else. */
export async function apiFailure(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}
