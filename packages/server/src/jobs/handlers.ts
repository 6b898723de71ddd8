import type { Platform } from '../platform/platform.ts';
import { ENROL_FACE_JOB, enrolApprovedFace } from '../usecases/faces/enrol-face.ts';
import { MONITOR_JOB } from '../usecases/screening/import-list.ts';
import { monitorPeople } from '../usecases/screening/monitor-people.ts';
import { PROCESS_SESSION_JOB } from '../usecases/sessions/change-session-status.ts';
import { giveUpProcessing, processSession } from '../usecases/sessions/process-session.ts';
import { DELIVER_WEBHOOK_JOB, deliverWebhook } from '../usecases/webhooks/deliver-webhook.ts';
import type { JobHandler } from './job-runner.ts';

export function jobHandlers(platform: Platform): Record<string, JobHandler> {
  return {
    [PROCESS_SESSION_JOB]: async (job, { lastAttempt }) => {
      const { sessionId, attemptId } = job.payload as { sessionId: string; attemptId: string };
      try {
        await processSession(platform, sessionId, attemptId);
      } catch (e) {
        // No session may stay in processing: after the last try a person takes over.
        if (lastAttempt) await giveUpProcessing(platform, sessionId, attemptId, String(e));
        throw e;
      }
    },
    [ENROL_FACE_JOB]: async (job) => {
      const { sessionId, attemptId } = job.payload as { sessionId: string; attemptId: string };
      await enrolApprovedFace(platform, sessionId, attemptId);
    },
    [MONITOR_JOB]: async (job) => {
      await monitorPeople(platform, (job.payload as { versionId?: string }).versionId);
    },
    [DELIVER_WEBHOOK_JOB]: async (job) => {
      const { deliveryId, manual } = job.payload as { deliveryId: string; manual?: boolean };
      await deliverWebhook(platform, deliveryId, manual === true);
    },
  };
}
