import { describe, expect, it } from "vitest";
import { EMPTY_HASH_STATE, formatHash, type HashState, parseHash } from "./hash-state";

describe("URL hash codec (F7)", () => {
  it("reads the documented example", () => {
    const state = parseHash("#u=Alice:200100050&filteractive=true&mt=ALL&entity=echo-bot&uis=Me:050100200");
    expect(state).toEqual({
      ...EMPTY_HASH_STATE,
      users: [{ username: "Alice", color: "200100050" }],
      filterActive: true,
      channel: "ALL",
      entity: "echo-bot",
      me: { username: "Me", color: "050100200" },
    });
  });

  it("round-trips every field", () => {
    const state: HashState = {
      users: [
        { username: "Alice", color: "200100050" },
        { username: "Bob", color: "010020030-abcdefghij" },
      ],
      words: ["hello", "world"],
      negativeWords: ["spam"],
      filterActive: false,
      channel: "AI",
      me: { username: "Me", color: "050100200" },
      ais: "Echo:random",
      entity: "echo",
      priority: 0,
      model: "llama-3.1-8b",
      contextSize: 20,
    };
    expect(parseHash(formatHash(state))).toEqual(state);
  });

  it("round-trips names and words with symbols, and they still match themselves", () => {
    const state: HashState = {
      ...EMPTY_HASH_STATE,
      users: [
        { username: "a+b&c=d#e%", color: "255000000" },
        { username: "ナナ:🙂", color: "000255000" },
      ],
      words: ["c++", "50%", "q&a"],
      negativeWords: ["#tag"],
    };
    const hash = formatHash(state);
    expect(hash).not.toMatch(/\s/);
    expect(hash.indexOf("#", 1)).toBe(-1);
    expect(parseHash(hash)).toEqual(state);
    expect(parseHash(hash).users.map((u) => u.username)).toEqual(["a+b&c=d#e%", "ナナ:🙂"]);
  });

  it("writes nothing for the default state", () => {
    expect(formatHash(EMPTY_HASH_STATE)).toBe("");
    expect(parseHash("")).toEqual(EMPTY_HASH_STATE);
    expect(parseHash("#")).toEqual(EMPTY_HASH_STATE);
  });

  it("ignores unknown and malformed parameters without throwing", () => {
    const state = parseHash(
      "#u=NoColor+Bad:12345+Fine:001002003+Big:256000000+:001002003&mt=robots&filteractive=maybe" +
        "&priority=100&nom=-3&uis=Has Space:001002003&entity=<script>&word=%E0%A4%A&word=ok&junk&=x&zzz=1",
    );
    expect(state).toEqual({
      ...EMPTY_HASH_STATE,
      users: [{ username: "Fine", color: "001002003" }],
      words: ["ok"],
    });
  });

  it("addresses only entity ids the API accepts (never __proto__, constructor or prototype)", () => {
    expect(parseHash("#entity=sage.v2_x-1").entity).toBe("sage.v2_x-1");
    for (const id of ["__proto__", "constructor", "prototype", "a:b", "x".repeat(65)]) {
      expect(parseHash(`#entity=${id}`).entity).toBeUndefined();
    }
  });

  it("never throws on arbitrary input", () => {
    const samples = ["#%", "#u=%", "#&&&", "#=", "#u==", "#u=a:b:c", "#word=+++", "#-word=%ZZ", "#mt"];
    for (const s of samples) expect(() => parseHash(s)).not.toThrow();
  });

  it("accepts a random reply identity and a random own color", () => {
    const state = parseHash("#ais=Echo:random&uis=Me:random");
    expect(state.ais).toBe("Echo:random");
    expect(state.me).toEqual({ username: "Me", color: "random" });
  });

  it("merges repeated list parameters and drops duplicates", () => {
    const state = parseHash("#word=a+b&word=B+c&u=X:001001001+X:001001001");
    expect(state.words).toEqual(["a", "b", "c"]);
    expect(state.users).toHaveLength(1);
  });

  it("keeps filters switched off but present", () => {
    const hash = formatHash({
      ...EMPTY_HASH_STATE,
      users: [{ username: "A", color: "001002003" }],
      filterActive: false,
    });
    expect(hash).toBe("#u=A:001002003&filteractive=false");
  });
});

describe("entity names longer than a person's (E2)", () => {
  it("a u= filter and ais= accept an entity name up to 32 characters; uis= keeps the person's 16", () => {
    const state = parseHash("#u=EmotionalIntelligence:120200150&filteractive=true&ais=EmotionalIntelligence:random");
    expect(state.users).toEqual([{ username: "EmotionalIntelligence", color: "120200150" }]);
    expect(state.ais).toBe("EmotionalIntelligence:random");
    expect(parseHash("#uis=EmotionalIntelligence:120200150").me).toBeUndefined();
  });
});

describe("seq filter in the hash (E9)", () => {
  it("round-trips ranges and single seqs as `seq=`, and counts as a chip", () => {
    const state = parseHash("#seq=160+140-155");
    expect(state.seqs).toEqual([
      [140, 155],
      [160, 160],
    ]);
    expect(formatHash(state)).toBe("#seq=140-155+160&filteractive=true");
    expect(parseHash(formatHash(state))).toEqual(state);
  });

  it("keeps up to 200 ranges (a read record's limit), and drops malformed items", () => {
    const items = Array.from({ length: 250 }, (_, i) => String(i * 2 + 1));
    expect(parseHash(`#seq=${items.join("+")}`).seqs).toHaveLength(200);
    expect(parseHash("#seq=abc+0+5-3").seqs).toBeUndefined();
    expect(parseHash("#seq=abc+7").seqs).toEqual([[7, 7]]);
  });
});
