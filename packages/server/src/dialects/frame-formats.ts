import type { FrameFormat } from './dialect.ts';
import { diditFrameFormat } from './didit/frame-format.ts';

/** The dialects whose frame messages the embedded journey posts (see FrameFormat). */
export const FRAME_FORMATS: readonly FrameFormat[] = [diditFrameFormat];
