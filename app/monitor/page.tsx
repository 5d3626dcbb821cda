import type { Metadata } from "next";
import { Monitor } from "@/components/monitor/monitor";

export const metadata: Metadata = {
  title: "Queue monitor · Say What Want",
  description: "The AI reply queue of a Say What Want room, live: counts, leases, bots, failures.",
  robots: { index: false, follow: false },
};

export default function MonitorPage() {
  return <Monitor />;
}
