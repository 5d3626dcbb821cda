import { describe, expect, it } from "vitest";
import { parseOptions, UsageError } from "./options.ts";

const defaults = { entitiesFile: "/srv/bot/entities.json", workerId: "host-42" };

function usageError(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseOptions(argv, env, defaults);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a usage error");
}

describe("parseOptions", () => {
  it("applies the documented defaults", () => {
    expect(parseOptions(["--token", "t"], {}, defaults)).toMatchObject({
      apiUrl: "http://127.0.0.1:8787",
      token: "t",
      llmUrl: null,
      llmKey: null,
      entitiesFile: "/srv/bot/entities.json",
      concurrency: 1,
      room: "global",
      workerId: "host-42",
      leaseSeconds: 30,
      json: false,
      demo: false,
      pollWaitSeconds: 20,
    });
  });

  it("reads the environment when a flag is absent, and prefers the flag when both are given", () => {
    const env = {
      COMMENTS_API_URL: "http://api.example:8787/",
      BOT_TOKEN: "from-env",
      LLM_BASE_URL: "http://127.0.0.1:1234/v1/",
      LLM_API_KEY: "sk-local",
      BOT_JSON: "1",
    };
    expect(parseOptions(["--token", "from-flag", "--concurrency", "3"], env, defaults)).toMatchObject({
      apiUrl: "http://api.example:8787",
      token: "from-flag",
      llmUrl: "http://127.0.0.1:1234/v1",
      llmKey: "sk-local",
      concurrency: 3,
      json: true,
    });
  });

  it("takes every flag the issue lists", () => {
    const config = parseOptions(
      [
        "--api=http://h:1",
        "--token=t",
        "--llm=http://l:2/v1",
        "--llm-key=k",
        "--entities=e.json",
        "--concurrency=2",
        "--room=lab",
        "--worker-id=w1",
        "--lease-seconds=5",
        "--json",
        "--demo",
      ],
      {},
      defaults,
    );
    expect(config).toMatchObject({
      apiUrl: "http://h:1",
      llmUrl: "http://l:2/v1",
      llmKey: "k",
      entitiesFile: "e.json",
      concurrency: 2,
      room: "lab",
      workerId: "w1",
      leaseSeconds: 5,
      json: true,
      demo: true,
    });
  });

  it("explains a missing token and out-of-range numbers", () => {
    expect(usageError([])).toContain("BOT_TOKEN");
    expect(usageError(["--token", "t", "--lease-seconds", "2"])).toContain("--lease-seconds");
    expect(usageError(["--token", "t", "--concurrency", "0"])).toContain("--concurrency");
    expect(usageError(["--token", "t", "--llm", "localhost:1234"])).toContain("--llm must be an http(s) URL");
  });

  it("rejects an unknown flag", () => {
    expect(usageError(["--token", "t", "--max-attempts", "3"])).toContain("--max-attempts");
  });

  it("returns null for --help", () => {
    expect(parseOptions(["--help"], {}, defaults)).toBeNull();
  });

  it("--no-demo needs an LLM URL and cannot be combined with --demo", () => {
    expect(usageError(["--token", "t", "--no-demo"])).toMatch(/--no-demo needs/);
    expect(usageError(["--token", "t", "--llm", "http://gpu:1234/v1", "--no-demo", "--demo"])).toMatch(/contradict/);
    expect(
      parseOptions(["--token", "t"], { LLM_BASE_URL: "http://gpu:1234/v1", BOT_NO_DEMO: "1" }, defaults)?.noDemo,
    ).toBe(true);
  });
});
