import { LIVE, parseUserFilters, type UserFilter } from "../types";
import { HttpError } from "./errors";

/**
 * The `u=` parameter of every read (`GET /api/comments`, `GET /api/live`): each pair once, and at
 * most as many distinct pairs as a live socket may hold. Each pair is one indexed scan of the
 * room, so without the cap a read's cost followed the length of its query, not what it returns.
 */
export function userFiltersParam(raw: string | undefined): UserFilter[] {
  const users = parseUserFilters(raw);
  if (users.length > LIVE.maxFilterUsers) {
    throw new HttpError(
      "invalid_input",
      `u= names ${users.length} different user pairs; a read filters by at most ${LIVE.maxFilterUsers}`,
    );
  }
  return users;
}
