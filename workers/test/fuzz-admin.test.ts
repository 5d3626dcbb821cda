import { ROUTES } from "./fuzz/routes";
import { fuzzRoutes } from "./fuzz/suite";

// Issue #13, bad input everywhere: the operator routes (requeue, fail, bot tokens, export).
fuzzRoutes(
  "fuzzing the operator routes (requeue, fail, bot tokens, export)",
  ROUTES.filter((r) => r.group === "admin"),
);
