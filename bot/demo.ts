import type { ChatRequest, ChatResult, Responder } from "./responder.ts";

/** The local servers the bot looks for, in order, when none is configured or it does not answer. */
export const HOW_TO_CONNECT =
  "To connect a real model, start an OpenAI-compatible server (LM Studio on port 1234, Ollama on 11434 or " +
  "llama.cpp on 8080), or run the bot with --llm http://HOST:PORT/v1 (LLM_BASE_URL); the bot switches to it by itself.";

/**
 * Answers without any model so a newcomer sees the whole loop work. Every reply says plainly that it
 * is a demo and how to connect a real model: nobody should mistake it for an answer.
 */
export function createDemoResponder(): Responder {
  return {
    label: "demo",
    available: async () => true,
    async chat(request: ChatRequest): Promise<ChatResult> {
      return { text: demoReply(request) };
    },
  };
}

export function demoReply(request: Pick<ChatRequest, "messages">): string {
  const said = request.messages.findLast((m) => m.role === "user")?.content ?? "";
  // Quoted without the @ of a mention: a reply that mentions an entity addresses it (E8), and a
  // demo that echoes "@sage @wren …" would start a scene of demo replies among the entities.
  const lastLine = (said.split("\n").at(-1) ?? "").replace(/(^|[^\p{L}\p{N}_@])@(?=[\p{L}\p{N}_])/gu, "$1");
  const quote = Array.from(lastLine).length > 120 ? `${Array.from(lastLine).slice(0, 119).join("")}…` : lastLine;
  return `[demo] This is a demo reply from the bot's built-in responder, not an AI model. You said: "${quote}". ${HOW_TO_CONNECT}`;
}
