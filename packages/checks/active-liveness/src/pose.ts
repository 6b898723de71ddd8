import type { FivePoints } from '@openidv/biometrics';

/**
 * Head turn from the five landmarks: how far the nose tip sits from the midpoint of the eyes, in units of the
 * distance between the eyes. About 0 when facing the camera; it grows towards the side the face turns to
 * (around ±0.3 for a turn of 30°). In an unmirrored camera frame, a turn to the applicant's own left moves the
 * nose towards the image's right, so that is positive.
 */
export function yawRatio(landmarks: FivePoints): number {
  const [leftEye, rightEye, nose] = landmarks;
  const midX = (leftEye[0] + rightEye[0]) / 2;
  const midY = (leftEye[1] + rightEye[1]) / 2;
  const dx = rightEye[0] - leftEye[0];
  const dy = rightEye[1] - leftEye[1];
  const interEye = Math.hypot(dx, dy);
  if (interEye === 0) return 0;
  // Project onto the eye line, so a tilted head (roll) is not read as a turn.
  return ((nose[0] - midX) * dx + (nose[1] - midY) * dy) / (interEye * interEye);
}
