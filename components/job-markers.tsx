import type { JobView } from "@/lib/chat/jobs";

const base = "flex items-center gap-1 rounded px-1.5 py-px";

/**
 * E7: one state per addressed entity on a message that asked several (waiting, answering,
 * answered, failed with its reason), each updated as that entity's job moves.
 */
export function JobMarkers({ jobs }: { jobs: JobView[] }) {
  return (
    <ul
      data-queue-state="jobs"
      aria-label="Answers"
      className="mt-0.5 flex w-fit flex-wrap items-center gap-1 font-sans text-[11px] leading-4"
    >
      {jobs.map((job) => (
        <li key={job.entity} data-job={job.entity} data-job-state={job.state}>
          <JobMarker job={job} />
        </li>
      ))}
    </ul>
  );
}

function JobMarker({ job }: { job: JobView }) {
  switch (job.state) {
    case "waiting":
      return (
        <span className={`${base} bg-white/5 text-muted`}>
          <span className="size-1.5 rounded-full border border-current" aria-hidden="true" />
          waiting for {job.name}
        </span>
      );
    case "answering":
      return (
        <span className={`${base} bg-white/5 text-muted`}>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {job.name} is answering
        </span>
      );
    case "answered":
      return (
        <span className={`${base} bg-emerald-400/10 text-emerald-200`}>
          <span aria-hidden="true">✓</span>
          answered by {job.name}
        </span>
      );
    case "failed":
      return (
        <span className={`${base} bg-red-950/60 text-red-200`}>
          {job.name} failed{job.error ? `: ${job.error}` : ""}
        </span>
      );
  }
}
