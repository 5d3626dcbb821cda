import { ROUTES } from "./fuzz/routes";
import { fuzzRoutes } from "./fuzz/suite";

// Bad input, everywhere: the bot queue routes.
fuzzRoutes(
  "fuzzing the bot queue routes",
  ROUTES.filter((r) => r.group === "queue"),
);
