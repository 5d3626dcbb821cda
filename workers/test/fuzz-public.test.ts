import { ROUTES } from "./fuzz/routes";
import { fuzzRoutes } from "./fuzz/suite";

// Bad input, everywhere: the public routes (comments, live, entities, stats, health, the contract).
fuzzRoutes(
  "fuzzing the public routes (comments, live, entities, stats, health, the contract)",
  ROUTES.filter((r) => r.group === "public"),
);
