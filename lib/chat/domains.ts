/**
 * F8: the page title for the host it is served from. Deployments on other domains add a line
 * here; any other host (localhost included) gets the product name.
 */
const DOMAIN_TITLES: ReadonlyMap<string, string> = new Map([
  ["saywhatwant.app", "Say What Want"],
  ["www.saywhatwant.app", "Say What Want"],
]);

export const DEFAULT_TITLE = "Say What Want";

export function titleForDomain(host: string): string {
  const bare = host.toLowerCase().replace(/:\d+$/, "");
  // A Map: a host such as `constructor` must not find what every object inherits.
  return DOMAIN_TITLES.get(bare) ?? DEFAULT_TITLE;
}
