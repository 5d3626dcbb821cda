/**
 * F8: the page title for the host it is served from. Deployments on other domains add a line
 * here; any other host (localhost included) gets the product name.
 */
const DOMAIN_TITLES: Record<string, string> = {
  "saywhatwant.app": "Say What Want",
  "www.saywhatwant.app": "Say What Want",
};

export const DEFAULT_TITLE = "Say What Want";

export function titleForDomain(host: string): string {
  const bare = host.toLowerCase().replace(/:\d+$/, "");
  return DOMAIN_TITLES[bare] ?? DEFAULT_TITLE;
}
