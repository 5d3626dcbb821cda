import { ROUTES } from "./fuzz/routes";
import { fuzzRoutes } from "./fuzz/suite";

// Bad input, everywhere: the operator routes (requeue, fail, bot tokens, export).
fuzzRoutes(
  "fuzzing the operator routes (requeue, fail, bot tokens, export)",
  ROUTES.filter((r) => r.group === "admin"),
);
