import { z } from "zod";

import { ERROR_STATUS } from "./constants.ts";

export { ERROR_STATUS } from "./constants.ts";

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];
const errorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

/** Every error body the API returns. */
export const apiErrorSchema = z.object({
  error: z.string(),
  code: errorCodeSchema,
  issues: z.array(z.unknown()).optional(),
});
