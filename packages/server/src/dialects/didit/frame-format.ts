import type { FrameFormat } from '../dialect.ts';
import { diditFrameStatus } from './codes.ts';

/** Didit's iFrame messages name the session by its Didit id and speak the SDK's statuses. */
export const diditFrameFormat: FrameFormat = {
  dialect: 'didit',
  present: (session, link) => ({
    format: 'didit',
    sessionId: link.externalId,
    status: diditFrameStatus(session.status),
  }),
};
