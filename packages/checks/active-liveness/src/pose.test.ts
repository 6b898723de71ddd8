import type { FivePoints } from '@openidv/biometrics';
import { describe, expect, it } from 'vitest';
import { yawRatio } from './pose.ts';

/** Five points of a face seen from a given yaw: eyes ±32 px from the centre, nose 20 px in front of them. */
function face(yawDegrees: number, rollDegrees = 0): FivePoints {
  const yaw = (yawDegrees * Math.PI) / 180;
  const roll = (rollDegrees * Math.PI) / 180;
  // 3D points (x right, y down, z towards the camera), rotated about y (yaw), projected orthographically, then rolled.
  const pts3 = [
    [-32, 0, 0],
    [32, 0, 0],
    [0, 30, 20],
    [-22, 60, 5],
    [22, 60, 5],
  ];
  return pts3.map(([x, y, z]) => {
    const px = x! * Math.cos(yaw) + z! * Math.sin(yaw);
    const py = y!;
    return [
      200 + px * Math.cos(roll) - py * Math.sin(roll),
      200 + px * Math.sin(roll) + py * Math.cos(roll),
    ] as const;
  }) as unknown as FivePoints;
}

describe('yawRatio', () => {
  it('is about zero facing the camera, whatever the roll', () => {
    expect(Math.abs(yawRatio(face(0)))).toBeLessThan(0.01);
    expect(Math.abs(yawRatio(face(0, 20)))).toBeLessThan(0.01);
  });

  it('grows with the turn, with its sign telling the side', () => {
    expect(yawRatio(face(30))).toBeGreaterThan(0.15);
    expect(yawRatio(face(-30))).toBeLessThan(-0.15);
    expect(yawRatio(face(30))).toBeGreaterThan(yawRatio(face(15)));
    // A tilted head turning still reads as the turn, not the tilt.
    expect(yawRatio(face(30, 15))).toBeCloseTo(yawRatio(face(30)), 5);
  });
});
