import { expect, type Page, test } from "@playwright/test";
import { postHuman, uniqueRoom } from "./support/api";

/**
 * The pages defend themselves (docs/ARCHITECTURE.md, "Bot credentials, public stats and the page's defences"), and the app works under that defence. The browser
 * reports every CSP violation as a `securitypolicyviolation` event; there must be none while the
 * chat sends, receives and the monitor refreshes.
 */

async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction("__cspViolation", (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}

test("the chat page carries the CSP and its headers, and sends and receives without a violation", async ({
  page,
  request,
}) => {
  const violations = await watchViolations(page);
  const room = uniqueRoom("csp");
  const response = await page.goto(`/?room=${room}`);
  const headers = response?.headers() ?? {};
  // Only the app's own files and its build-time inline scripts, each allowed by its hash.
  expect(headers["content-security-policy"]).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;/);
  expect(headers["content-security-policy"]).not.toMatch(/script-src[^;]*unsafe/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");

  await page.getByRole("textbox", { name: "Username" }).fill("Csp");
  const message = page.getByRole("textbox", { name: "Message", exact: true });
  await message.fill("sent under a content security policy");
  await message.press("Enter");
  await expect(page.getByRole("list", { name: "Messages" })).toContainText("sent under a content security policy");
  await postHuman(request, room, { username: "Other", color: "100200100", text: "and received under it" });
  await expect(page.getByRole("list", { name: "Messages" })).toContainText("and received under it");
  expect(violations).toEqual([]);
});

test("the monitor works under the CSP; build files are nosniff too", async ({ page, request }) => {
  const violations = await watchViolations(page);
  const response = await page.goto("/monitor");
  expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;/);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  const chunk = /src="(\/_next\/static\/[^"]+\.js)"/.exec(await (await request.get("/monitor")).text())?.[1];
  expect(chunk).toBeTruthy();
  expect((await request.get(chunk ?? "")).headers()["x-content-type-options"]).toBe("nosniff");
  expect(violations).toEqual([]);
});
