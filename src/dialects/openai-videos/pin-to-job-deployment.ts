import type { VideoJob } from '../../store/store.ts';

/** A forwarded call's `deployment`: every call about a job goes to the deployment that runs it. */
export function pinToJobDeployment(job: VideoJob): { deployment?: string } {
  return job.deployment ? { deployment: job.deployment } : {};
}
