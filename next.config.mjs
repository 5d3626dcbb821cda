// The app is a static export served by the Worker (see docs/ARCHITECTURE.md). In `next dev`,
// /api is proxied to a running Worker (`npm run api`, default http://127.0.0.1:8787).
const isDev = process.env.NODE_ENV === "development";
const apiOrigin = process.env.SWW_API_ORIGIN ?? "http://127.0.0.1:8787";

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: isDev ? undefined : "export",
  reactStrictMode: true,
  poweredByHeader: false,
  images: { unoptimized: true },
  ...(isDev ? { rewrites: async () => [{ source: "/api/:path*", destination: `${apiOrigin}/api/:path*` }] } : {}),
};

export default nextConfig;
