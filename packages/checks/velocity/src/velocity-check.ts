import type {
  CheckDefinition,
  CheckOutput,
  Reason,
  SessionEvidence,
  SignalCounts,
  SignalKind,
} from '@openidv/domain';
import { identityOf, readFromPrevious, signalValue } from '@openidv/domain';
import { z } from 'zod';

const HOUR = 3_600_000;
const hours = (d: number) =>
  z
    .number()
    .positive()
    .max(24 * 366)
    .default(d);
const limit = (d: number, what: string) =>
  z.number().int().min(0).max(100_000).default(d).describe(`Raise when more than this many ${what}.`);

export const velocityConfigSchema = z.object({
  device: z
    .object({
      enabled: z.boolean().default(true),
      windowHours: hours(24),
      maxOtherSessions: limit(10, 'other sessions came from the same device in the window (VELOCITY_DEVICE)'),
    })
    .prefault({}),
  sharedDevice: z
    .object({
      enabled: z.boolean().default(true),
      windowHours: hours(24 * 30),
      maxOtherUsers: limit(2, 'other users (vendorData) used the same device (SHARED_DEVICE)'),
      maxOtherIdentities: limit(
        2,
        'other identities (document, or name and birth date) used the same device (SHARED_DEVICE)',
      ),
    })
    .prefault({}),
  ip: z
    .object({
      enabled: z.boolean().default(true),
      windowHours: hours(24),
      maxOtherSessions: limit(25, 'other sessions came from the same IP address in the window (VELOCITY_IP)'),
      maxOtherUsers: limit(10, 'other users came from the same IP address in the window (VELOCITY_IP)'),
    })
    .prefault({}),
  email: z
    .object({
      enabled: z.boolean().default(true),
      windowHours: hours(24 * 90),
      maxOtherIdentities: limit(1, 'other identities used the same email address (VELOCITY_EMAIL)'),
    })
    .prefault({}),
  phone: z
    .object({
      enabled: z.boolean().default(true),
      windowHours: hours(24 * 90),
      maxOtherIdentities: limit(1, 'other identities used the same phone number (VELOCITY_PHONE)'),
    })
    .prefault({}),
});
export type VelocityConfig = z.infer<typeof velocityConfigSchema>;

/**
 * The `velocity` check: how often this session's device, IP address, email and phone were seen on the
 * application's other sessions, by how many users and identities. Counts come from the signal store, which
 * keeps keyed digests only.
 */
export function createVelocityCheck(): CheckDefinition<VelocityConfig> {
  return {
    type: 'velocity',
    description:
      'Sessions, users and identities seen per device fingerprint, IP address, email and phone over configurable windows: repeated attempts, shared devices and reused contact details.',
    configSchema: velocityConfigSchema,
    reasonCodes: {
      VELOCITY_DEVICE: {
        action: 'review',
        description: 'Many sessions came from this device in a short time.',
      },
      SHARED_DEVICE: {
        action: 'review',
        description: 'This device was used by other users or other identities.',
      },
      VELOCITY_IP: {
        action: 'review',
        description: 'Many sessions or users came from this IP address in a short time.',
      },
      VELOCITY_EMAIL: { action: 'review', description: 'This email address was used by other identities.' },
      VELOCITY_PHONE: { action: 'review', description: 'This phone number was used by other identities.' },
    },
    async run(evidence: SessionEvidence, config: VelocityConfig, services): Promise<CheckOutput> {
      const store = services.signals;
      if (!store) {
        return {
          status: 'not_applicable',
          reasons: [],
          evidence: { note: 'No signal store is available to this check.' },
        };
      }
      const value = (kind: SignalKind) => signalValue(kind, evidence);
      if (!(['device', 'ip', 'email', 'phone'] as const).some(value)) {
        return {
          status: 'not_applicable',
          reasons: [],
          evidence: { note: 'No device fingerprint, IP, email or phone was collected for this session.' },
        };
      }
      const identity = identityOf(readFromPrevious(evidence.previous), evidence.expected);
      const counted: Record<string, SignalCounts & { windowHours: number }> = {};
      const count = async (kind: SignalKind, windowHours: number, label: string) => {
        const v = value(kind);
        if (!v) return undefined;
        const c = await store.count(kind, v, { windowMs: windowHours * HOUR, identity });
        counted[label] = { ...c, windowHours };
        return c;
      };
      const reasons: Reason[] = [];
      const labels = new Set<string>();

      if (config.device.enabled) {
        const c = await count('device', config.device.windowHours, 'device');
        if (c && c.sessions > config.device.maxOtherSessions) {
          reasons.push({
            code: 'VELOCITY_DEVICE',
            message: `${c.sessions} other sessions came from this device in the last ${config.device.windowHours} h.`,
          });
          labels.add('velocity');
        }
      }
      if (config.sharedDevice.enabled) {
        const c = await count('device', config.sharedDevice.windowHours, 'sharedDevice');
        if (
          c &&
          (c.users > config.sharedDevice.maxOtherUsers ||
            c.identities > config.sharedDevice.maxOtherIdentities)
        ) {
          reasons.push({
            code: 'SHARED_DEVICE',
            message: `This device was used by ${c.identities} other ${c.identities === 1 ? 'identity' : 'identities'} and ${c.users} other ${c.users === 1 ? 'user' : 'users'} in the last ${days(config.sharedDevice.windowHours)}.`,
          });
          labels.add('shared-device');
        }
      }
      if (config.ip.enabled) {
        const c = await count('ip', config.ip.windowHours, 'ip');
        if (c && (c.sessions > config.ip.maxOtherSessions || c.users > config.ip.maxOtherUsers)) {
          reasons.push({
            code: 'VELOCITY_IP',
            message: `${c.sessions} other sessions by ${c.users} other users came from this IP address in the last ${config.ip.windowHours} h.`,
          });
          labels.add('velocity');
        }
      }
      for (const kind of ['email', 'phone'] as const) {
        const cfg = config[kind];
        if (!cfg.enabled) continue;
        const c = await count(kind, cfg.windowHours, kind);
        if (c && c.identities > cfg.maxOtherIdentities) {
          reasons.push({
            code: kind === 'email' ? 'VELOCITY_EMAIL' : 'VELOCITY_PHONE',
            message: `This ${kind === 'email' ? 'email address' : 'phone number'} was used by ${c.identities} other identities in the last ${days(cfg.windowHours)}.`,
          });
          labels.add('velocity');
        }
      }
      return {
        status: reasons.length ? 'failed' : 'passed',
        reasons,
        evidence: { counts: counted, identityKnown: identity !== undefined },
        ...(labels.size && { riskLabels: [...labels] }),
      };
    },
  };
}

function days(h: number): string {
  return h % 24 === 0 ? `${h / 24} days` : `${h} h`;
}

export const velocityCheck = createVelocityCheck();
