import { ROUTES } from "./fuzz/routes";
import { fuzzRoutes } from "./fuzz/suite";

// Bad input, everywhere: the moderation routes (remove, restore, mute, audit).
fuzzRoutes(
  "fuzzing the moderation routes (remove, restore, mute, audit)",
  ROUTES.filter((r) => r.group === "moderation"),
);
