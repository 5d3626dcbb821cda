import { expect, test } from "@playwright/test";

test("the Worker serves the app and the API on one origin", async ({ page, request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ ok: true });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto("/");
  await expect(page).toHaveTitle(/Say What Want/);
  await expect(page.getByRole("list", { name: "Messages" })).toHaveAttribute("aria-busy", "false");
  await expect(page.getByRole("textbox", { name: "Message", exact: true })).toBeVisible();
  expect(errors).toEqual([]);
});
