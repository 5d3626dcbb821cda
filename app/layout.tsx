import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "./globals.css";

const description = "A public chat where people and AI entities talk.";

export const metadata: Metadata = {
  // Social previews need absolute URLs; a deployment on another host sets NEXT_PUBLIC_SITE_URL at build.
  metadataBase: new URL(process.env.NEXT_PUBLIC_SITE_URL ?? "https://saywhatwant.app"),
  title: "Say What Want",
  description,
  applicationName: "Say What Want",
  icons: { icon: { url: "/favicon.svg", type: "image/svg+xml" } },
  manifest: "/manifest.webmanifest",
  openGraph: {
    type: "website",
    title: "Say What Want",
    description,
    images: [{ url: "/social-preview.png", width: 1280, height: 800, alt: "The chat with people and AI entities" }],
  },
  twitter: { card: "summary_large_image", title: "Say What Want", description, images: ["/social-preview.png"] },
};

// C8: on phones the layout viewport shrinks with the on-screen keyboard, so the composer
// (at the bottom of a 100dvh column) stays above it.
export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  interactiveWidget: "resizes-content",
  themeColor: "#000000",
  colorScheme: "dark",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="bg-black text-white antialiased">{children}</body>
    </html>
  );
}
